/**
 * The centre's embedded MQTT broker (aedes) on plain TCP and on TLS with client certificates.
 * Identity: on TLS, the client certificate (CN = name, OU = role) checked against the centre CA and
 * the revocation list at connect; on plain TCP, the injected `login` (per-panel passwords for the demo).
 * Authorisation is acl.ts; every refusal is logged. TCP_NODELAY is set on every socket (with Nagle on,
 * each QoS 1 round trip costs ~88 ms on loopback) and writes are coalesced per event-loop turn.
 */
import { Aedes, type AuthenticateError, type Client } from "aedes";
import net from "node:net";
import tls from "node:tls";
import { mayPublish, maySubscribe, mayUseClientId } from "./acl.js";
import type { Identity } from "../role.js";
import { identityFromCertificate } from "./broker-identity.js";
import { SharedSubscriptions } from "./broker-shared.js";
import { parseShared } from "../../../protocol/topic-filter.js";
import { coalesceWrites } from "../coalesce-writes.js";
import { MAX_PACKET_BYTES, limitPacketSize } from "./packet-size-limit.js";
import { silentLogger, type Logger } from "../logger.js";

export interface BrokerTlsOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly key: string;
  readonly cert: string;
  /** The centre CA: client certificates must chain to it. */
  readonly ca: string;
  /**
   * Serial number (hex, any case) -> revoked? Consulted at every TLS connect, so it answers from memory
   * (revoked-serials.ts keeps the store's list there), never with a database round trip.
   */
  readonly isRevoked?: (serialHex: string) => boolean;
}

/**
 * A plain-TCP login; a promise when the answer needs the store (aedes' `authenticate` is callback based,
 * so the event loop keeps serving the other clients meanwhile).
 */
export type LoginCheck = (username: string, password: string) => Identity | undefined | Promise<Identity | undefined>;

export interface BrokerOptions {
  readonly host?: string;
  /** Plain TCP port; 0 (default) picks a free one; null disables plain TCP. */
  readonly port?: number | null;
  readonly tls?: BrokerTlsOptions;
  /** Plain-TCP logins; without it every plain-TCP connection is refused. */
  readonly login?: LoginCheck;
  readonly logger?: Logger;
}

export interface RunningBroker {
  readonly port?: number;
  readonly tlsPort?: number;
  readonly aedes: Aedes;
  /** Who a connected client is (undefined before it has authenticated). */
  identityOf(client: Client): Identity | undefined;
  /**
   * Disconnect every client connected as this identity name, e.g. right after revoking its certificate
   * (revocation is checked at connect; this ends the sessions already open). Returns how many.
   */
  kick(name: string): number;
  /** Disconnect every client that connected with one of these certificate serials (hex, any case). Returns how many. */
  kickSerials(serials: readonly string[]): number;
  close(): Promise<void>;
}

const DISCARD_TOPIC = "$denied/discard";
/** Granted publish topics remembered per connection (a panel uses up to three; a receiver one per panel it ACKs, the rest checked each time). */
const ALLOWED_PER_CLIENT = 16;
// CONNACK return codes, MQTT 3.1.1 §3.2.2.3
const IDENTIFIER_REJECTED = 2;
const SERVER_UNAVAILABLE = 3;
const BAD_LOGIN = 4;
const NOT_AUTHORIZED = 5;

export async function startBroker(opts: BrokerOptions = {}): Promise<RunningBroker> {
  const log = opts.logger ?? silentLogger;
  const host = opts.host ?? "127.0.0.1";
  const certIdentity = new WeakMap<object, Identity>();
  const identities = new WeakMap<Client, Identity>();
  // Topics each client was allowed to publish to (and whether retained): a panel publishes to the same two
  // or three, so the ACL (a topic split and a panel-id check, ~10 us) runs once per topic, not per PUBLISH.
  // Only grants are kept, at most ALLOWED_PER_CLIENT; the identity of a connection never changes.
  const allowed = new WeakMap<Client, Set<string>>();
  const certSerial = new WeakMap<object, string>();
  const shared = new SharedSubscriptions();

  const refuse = (code: number, msg: string): AuthenticateError => Object.assign(new Error(msg), { returnCode: code }) as AuthenticateError;
  /** TLS connections whose certificate is revoked: answered CONNACK "not authorized", so the panel can say why. */
  const revokedConn = new WeakSet<object>();

  const aedes = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      if (revokedConn.has(client.conn)) return done(refuse(NOT_AUTHORIZED, "certificate revoked"), false);
      const fromCert = certIdentity.get(client.conn);
      const decide = (who: Identity | undefined) => {
        if (!who) {
          log.log("warn", "broker: login refused", { clientId: client.id, username: username ?? null, via: fromCert ? "tls" : "tcp" });
          return done(refuse(BAD_LOGIN, "bad username or password"), false);
        }
        const id = mayUseClientId(who, client.id);
        if (!id.ok) {
          log.log("warn", "broker: client id refused", { clientId: client.id, ...who, reason: id.reason });
          return done(refuse(IDENTIFIER_REJECTED, id.reason), false);
        }
        identities.set(client, who);
        done(null, true);
      };
      const loginFailed = (e: unknown) => {
        // The store could not answer (e.g. the database is away): refused now (MQTT 3.1.1 §3.2.2.3 code 3), the client retries.
        log.log("warn", "broker: login not checked", { clientId: client.id, username: username ?? null, error: (e as Error).message });
        done(refuse(SERVER_UNAVAILABLE, "login cannot be checked now"), false);
      };
      if (fromCert || username === undefined || !opts.login) return decide(fromCert);
      let answer: ReturnType<LoginCheck>;
      try {
        answer = opts.login(username, password?.toString("utf8") ?? "");
      } catch (e) {
        return loginFailed(e);
      }
      if (answer instanceof Promise) answer.then(decide, loginFailed);
      else decide(answer);
    },
    authorizePublish(client, packet, done) {
      // client is null for the broker's own messages ($SYS)
      if (!client) return done(null);
      const key = packet.retain ? `r${packet.topic}` : `-${packet.topic}`;
      const granted = allowed.get(client);
      if (granted?.has(key)) return done(null);
      const who = identities.get(client);
      const d = who ? mayPublish(who, packet.topic, packet.retain) : { ok: false as const, reason: "not authenticated" };
      if (d.ok) {
        if (!granted) allowed.set(client, new Set([key]));
        else if (granted.size < ALLOWED_PER_CLIENT) granted.add(key);
        return done(null);
      }
      log.log("warn", "broker: publish denied", { clientId: client.id, ...who, topic: packet.topic, reason: d.reason });
      // MQTT 3.1.1 cannot refuse one PUBLISH: aedes would drop the connection and a QoS 1 client resends the
      // same message after every reconnect, forever. Like Mosquitto, acknowledge it and deliver it nowhere:
      // no subscription can match a `$` topic with a wildcard (§4.7.2) and the ACL grants none by name.
      packet.topic = DISCARD_TOPIC;
      packet.retain = false;
      done(null);
    },
    authorizeSubscribe(client, sub, done) {
      const who = identities.get(client);
      const d = who ? maySubscribe(who, sub.topic) : { ok: false as const, reason: "not authenticated" };
      if (!d.ok) {
        log.log("warn", "broker: subscribe denied", { clientId: client.id, ...who, topic: sub.topic, reason: d.reason });
        // MQTT 3.1.1 §3.9.3: a refused filter gets return code 0x80 in the SUBACK; the client stays connected.
        return done(null, null);
      }
      const share = parseShared(sub.topic);
      if (!share) return done(null, sub);
      shared.join(client, share.group, share.filter);
      done(null, { ...sub, topic: share.filter });
    },
    authorizeForward(client, packet) {
      return shared.forward(client, packet) ? packet : null;
    },
  });
  aedes.on("clientDisconnect", (c) => shared.leave(c));
  aedes.on("clientError", (c, e) => log.log("warn", "broker: client error", { clientId: c.id, error: e.message }));

  // Open sockets, so close() need not wait for every client (a panel, a tap) to hang up first.
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  };
  let plain: net.Server | undefined;
  let port: number | undefined;
  if (opts.port !== null) {
    plain = net.createServer((s) => {
      track(s);
      coalesceWrites(s);
      limitPacketSize(s, MAX_PACKET_BYTES, (what) => log.log("warn", "broker: connection closed", { reason: what, remote: s.remoteAddress }));
      aedes.handle(s);
    });
    port = await listen(plain, opts.port ?? 0, host);
  }

  let secure: tls.Server | undefined;
  let tlsPort: number | undefined;
  if (opts.tls) {
    const t = opts.tls;
    secure = tls.createServer({ key: t.key, cert: t.cert, ca: t.ca, requestCert: true, rejectUnauthorized: true }, (s) => {
      track(s);
      coalesceWrites(s);
      const cert = s.getPeerCertificate();
      const serial = cert.serialNumber ?? "";
      if (t.isRevoked?.(serial)) {
        log.log("warn", "broker: revoked certificate refused", { serial, subject: cert.subject?.CN ?? null });
        // Its CONNECT is answered "not authorized" (MQTT 3.1.1 §3.2.2.3 code 5) and the connection closed:
        // the panel's installer reads why, instead of a bare "connection closed". Nothing else is let through.
        revokedConn.add(s);
        aedes.handle(s);
        return;
      }
      const who = identityFromCertificate(cert);
      if (!who.ok) {
        log.log("warn", "broker: certificate refused", { serial, reason: who.reason });
        s.destroy();
        return;
      }
      certIdentity.set(s, who.identity);
      certSerial.set(s, serial.toLowerCase());
      limitPacketSize(s, MAX_PACKET_BYTES, (what) => log.log("warn", "broker: connection closed", { reason: what, name: who.identity.name }));
      aedes.handle(s);
    });
    secure.on("tlsClientError", (e) => log.log("warn", "broker: TLS handshake refused", { error: e.message }));
    tlsPort = await listen(secure, t.port ?? 0, host);
  }

  return {
    ...(port !== undefined ? { port } : {}),
    ...(tlsPort !== undefined ? { tlsPort } : {}),
    aedes,
    identityOf: (c) => identities.get(c),
    kick(name) {
      // aedes keeps connected clients in `clients` (by client id); not in its typings.
      const all = Object.values((aedes as unknown as { clients: Record<string, Client> }).clients);
      const hit = all.filter((c) => identities.get(c)?.name === name);
      for (const c of hit) {
        log.log("warn", "broker: client disconnected by the centre", { clientId: c.id, name });
        c.close();
      }
      return hit.length;
    },
    kickSerials(serials) {
      const revoked = new Set(serials.map((x) => x.toLowerCase()));
      const all = Object.values((aedes as unknown as { clients: Record<string, Client> }).clients);
      const hit = all.filter((c) => revoked.has(certSerial.get(c.conn) ?? ""));
      for (const c of hit) {
        log.log("warn", "broker: client with a revoked certificate disconnected", { clientId: c.id, serial: certSerial.get(c.conn) });
        c.close();
      }
      return hit.length;
    },
    async close() {
      const closed = Promise.all([plain, secure].map((srv) => (srv ? new Promise<void>((r) => srv.close(() => r())) : undefined)));
      await new Promise<void>((r) => aedes.close(() => r()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}
