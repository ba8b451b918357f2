/**
 * The centre as a long-running service, from a provisioned centre directory: the embedded aedes broker on
 * TLS with client certificates (plain TCP with passwords only when asked for), or an external broker
 * (Mosquitto with the generated config); N receivers sharing the store; the monitoring services with
 * the operators' console and API behind logins (centre-services.ts, on the same store); and
 * Prometheus metrics. `close()` stores and acknowledges what has arrived, then stops everything.
 *
 * The store is the centre directory's (DIR/centre.db, or DIR/store.json's postgres:// URL), or `store`.
 * SQLite: a connection per receiver, as before (each its own synchronous handle on the WAL file).
 * PostgreSQL: one pool for the whole process, receivers included: they share one event loop, so separate
 * pools would add server connections (the scarce resource, max_connections) and no parallelism; each
 * receiver still holds its own advisory-lock sessions for leadership, which is on. The broker's thread
 * opens the store once more for itself (revocation reloads, password logins): a pool there, a handle here.
 * The embedded broker runs on its own thread (broker-thread.ts) unless `brokerInProcess`.
 * It never asks the store per connection for revocation: revoked-serials.ts keeps the
 * revoked serials (store and crl.pem) in memory, reloaded every `revocationPeriodMs`, and cuts the sessions
 * of newly revoked certificates; a password login is one asynchronous query at CONNECT.
 */
import { startBroker, type RunningBroker } from "../broker/broker.js";
import { passwordLogin } from "../broker/broker-login.js";
import { OperatorQueue } from "../operator/operator-queue.js";
import { centreSigner, type CentreDir } from "../pki/provisioning.js";
import { receiverCredentials } from "../pki/receiver-credentials.js";
import { writeBrokerFiles } from "../broker/broker-files.js";
import { Receiver } from "../receiver/receiver.js";
import { openCentreStore } from "../store-pg/open-store.js";
import type { CentreStorePort } from "../store-pg/port.js";
import { startCentreRevocation } from "../broker/centre-revocation.js";
import { startBrokerThread, type BrokerThread } from "../broker/broker-thread.js";
import { redactedLocation } from "../store-pg/store-location.js";
import { CentreError } from "../errors.js";
import { unrefSystemClock, type Clock } from "../../../protocol/clock.js";
import type { Logger } from "../logger.js";
import { centreMetrics, startMetricsHttp, type MetricsHttp } from "./centre-metrics.js";
import { startCentreServices, type CentreRoutes, type CentreServices } from "./centre-services.js";

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export type BrokerChoice =
  | { readonly kind: "embedded"; readonly tls: HostPort; readonly plain?: HostPort }
  /** mqtts://... (Mosquitto): receivers use their certificates from the centre directory. */
  | { readonly kind: "external"; readonly url: string; readonly protocolVersion: 4 | 5 };

export interface CentreServiceOptions {
  readonly centre: CentreDir;
  readonly broker: BrokerChoice;
  readonly receivers: number;
  readonly http: HostPort;
  readonly metrics: HostPort;
  readonly logger: Logger;
  readonly gapGraceMs?: number;
  readonly reconnectDelayMs?: number;
  readonly maxBatch?: number;
  /** The store location (alarm-centre --store); default the centre directory's (`centre.store`). */
  readonly store?: string;
  /** How often the embedded broker reloads the revoked certificates (default 2,000 ms): the revocation delay bound. */
  readonly revocationPeriodMs?: number;
  /** For the broker's reload timer (default the real clock, unref'd). */
  readonly clock?: Clock;
  /**
   * The embedded broker in the centre's own thread, as before broker-thread.ts (default: its own thread,
   * so the receivers' store commits and signature checks do not hold its forwarding).
   */
  readonly brokerInProcess?: boolean;
  /** More routes on the services' server (the operators' console, from simulator/console/centre-command.ts). */
  readonly routes?: CentreRoutes;
}

export interface CentreService {
  readonly tlsPort?: number;
  readonly plainPort?: number;
  /** The services' API and console (--http). */
  readonly httpPort: number;
  readonly metricsPort: number;
  readonly receivers: readonly Receiver[];
  /** The store the service runs on (the services', the metrics' and the broker's; PostgreSQL: the receivers' too). */
  readonly store: CentreStorePort;
  /**
   * Resolves with a reason when a part the centre cannot run without has stopped by itself (the broker's
   * thread); never resolves otherwise. alarm-centre then closes and exits 1, so systemd restarts it.
   */
  readonly failed: Promise<string>;
  /** The embedded broker's thread, when it runs on one (for its operators: kick, close). */
  readonly brokerThread?: BrokerThread;
  close(): Promise<void>;
}

export async function startCentreService(o: CentreServiceOptions): Promise<CentreService> {
  const { centre, logger } = o;
  const location = o.store ?? centre.store;
  const store = await openCentreStore(location);
  logger.log("info", "centre store", { kind: store.kind, store: redactedLocation(location) });
  const opened: { close(): Promise<void> | void }[] = [{ close: () => store.close() }];
  let closing = false;
  let brokerThread: BrokerThread | undefined;
  let fail: (why: string) => void = () => {};
  const failed = new Promise<string>((r) => (fail = r));
  const closeAll = async () => {
    closing = true;
    for (const x of opened.reverse()) await x.close();
  };
  try {
    const embedded = o.broker.kind === "embedded";
    const creds = [];
    for (let n = 1; n <= o.receivers; n++) creds.push(await receiverCredentials(centre, store.registry, n, embedded));
    if (creds.some((c) => c.issued)) await writeBrokerFiles(centre, store.registry);
    let broker: { readonly port?: number; readonly tlsPort?: number } | undefined;
    if (o.broker.kind === "embedded") {
      const b = o.broker;
      const flags = "the embedded broker (--mqtt, --plain-port)";
      const at = `${b.tls.host}:${b.tls.port}${b.plain ? ` or ${b.plain.port}` : ""}`;
      const tlsFiles = { port: b.tls.port, key: centre.server.keyPem, cert: centre.server.certPem, ca: centre.ca.certPem };
      const clock = o.clock ?? unrefSystemClock;
      let revocationPeriodMs: number | undefined;
      if (o.brokerInProcess) {
        let running: RunningBroker | undefined;
        const r = await startCentreRevocation({ store, dir: centre.dir, clock, ...(o.revocationPeriodMs !== undefined ? { everyMs: o.revocationPeriodMs } : {}), onRevoked: (serials) => running?.kickSerials(serials), logger });
        opened.push({ close: () => r.revoked.stop() });
        revocationPeriodMs = r.revoked.everyMs;
        running = await listening(flags, at, () => startBroker({ host: b.tls.host, port: b.plain ? b.plain.port : null, tls: { ...tlsFiles, isRevoked: r.isRevoked }, ...(b.plain ? { login: passwordLogin(store.registry) } : {}), logger }));
        opened.push(running);
        broker = running;
      } else {
        const t = await listening(flags, at, () =>
          startBrokerThread({
            host: b.tls.host,
            port: b.plain ? b.plain.port : null,
            tls: tlsFiles,
            ...(b.plain ? { login: { kind: "registry", store: location } } : {}),
            revocation: { store: location, dir: centre.dir, ...(o.revocationPeriodMs !== undefined ? { everyMs: o.revocationPeriodMs } : {}) },
            logger,
            clock,
          }),
        );
        opened.push(t);
        brokerThread = t;
        void t.exited.then((code) => {
          if (!closing) fail(`the embedded broker's thread stopped (exit code ${code}); no panel can reach this centre`);
        });
        revocationPeriodMs = t.revocationPeriodMs;
        broker = t;
      }
      logger.log("info", "broker listening", { tls: `${b.tls.host}:${broker.tlsPort}`, ...(broker.port !== undefined ? { plain: `${b.tls.host}:${broker.port}` } : {}), revocationPeriodMs, thread: !o.brokerInProcess });
    }
    const url = o.broker.kind === "embedded" ? `mqtts://localhost:${broker!.tlsPort}` : o.broker.url;
    const protocolVersion = o.broker.kind === "embedded" ? 4 : o.broker.protocolVersion;
    const queue = new OperatorQueue(store);
    const metrics = centreMetrics(queue);
    const receivers: Receiver[] = [];
    const centreKey = centreSigner(centre);
    // Started before the receivers, so the first stored frame already reaches them; closed after them
    // (`opened` closes in reverse), so the frames the receivers store while stopping do too.
    const services: CentreServices = await listening("the operator API (--http)", `${o.http.host}:${o.http.port}`, () =>
      startCentreServices({ dir: centre.dir, store, centreKey, receivers, http: o.http, logger, ...(o.routes ? { routes: o.routes } : {}) }),
    );
    opened.push(services);
    for (const c of creds) {
      let rs = store;
      if (store.kind === "sqlite") {
        // Each receiver's connection checkpoints the WAL when it is quiet, not inside a batch commit.
        rs = await openCentreStore(location, { checkpoint: { clock: unrefSystemClock } });
        const own = rs;
        opened.push({ close: () => own.close() });
      }
      const r = new Receiver({
        url,
        store: rs,
        centreKey,
        name: c.name,
        logger,
        connect: { key: c.key, cert: c.cert, ca: centre.ca.certPem, protocolVersion },
        ...(o.gapGraceMs !== undefined ? { gapGraceMs: o.gapGraceMs } : {}),
        ...(o.reconnectDelayMs !== undefined ? { reconnectDelayMs: o.reconnectDelayMs } : {}),
        ...(o.maxBatch !== undefined ? { maxBatch: o.maxBatch } : {}),
      });
      metrics.watch(r);
      r.on("stored", (panel, seq, p) => logger.log("info", "stored", { receiver: r.name, panel, seq, kind: "events" in p ? "events" : "heartbeat" in p ? "heartbeat" : "result" }));
      r.on("nak", (panel, seq, reason) => logger.log("warn", "nak", { receiver: r.name, panel, seq, reason }));
      r.on("alarm", (id) => logger.log("info", "alarm for operators", { alarm: id }));
      r.on("transmission-fault", (f) => logger.log("warn", "transmission fault", { ...f }));
      services.attach(r);
      await r.start();
      opened.push({ close: () => r.stop() });
      receivers.push(r);
    }
    const mh: MetricsHttp = await listening("the metrics (--metrics)", `${o.metrics.host}:${o.metrics.port}`, () => startMetricsHttp(metrics, o.metrics.host, o.metrics.port));
    opened.push(mh);
    logger.log("info", "centre running", { broker: url, receivers: receivers.length, http: `${o.http.host}:${services.port}`, metrics: `${o.metrics.host}:${mh.port}/metrics` });
    return {
      ...(broker?.tlsPort !== undefined ? { tlsPort: broker.tlsPort } : {}),
      ...(broker?.port !== undefined ? { plainPort: broker.port } : {}),
      httpPort: services.port,
      metricsPort: mh.port,
      receivers,
      store,
      failed,
      ...(brokerThread ? { brokerThread } : {}),
      close: closeAll,
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}

/** A listener that cannot bind is one line naming which one and its flag, not a bare EADDRINUSE. */
async function listening<T>(what: string, at: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "EADDRINUSE" ? "the address is in use (another alarm-centre, or another program?)" : code === "EACCES" ? "permission denied (a port below 1024?)" : code === "EADDRNOTAVAIL" ? "no such address on this machine" : undefined;
    if (why) throw new CentreError("bad-argument", `${what} cannot listen on ${at}: ${code}, ${why}`);
    throw e;
  }
}
