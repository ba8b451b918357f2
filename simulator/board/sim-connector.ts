/**
 * The simulated link port: in-memory brokers on the injected clock, so tests (and the simulator) can
 * step reconnects, path switches and ACK timeouts with fake time. A SimBroker can be taken down and
 * brought back; what clients publish goes to `onPublish` and to every matching subscriber, and `deliver`
 * sends to subscribers as another client would. Filters match as on a real broker (`+`, `#`, MQTT 3.1.1
 * §4.7); a `$share/<group>/<filter>` subscription (MQTT v5 §4.8.2) gets each message at one member of
 * its group, round-robin; a new plain subscription gets the retained messages it covers (§3.3.1.3).
 * Access control is not simulated: the embedded aedes broker and Mosquitto enforce it.
 */
import type { Clock } from "../../protocol/clock.js";
import { parseShared, topicMatches } from "../../protocol/topic-filter.js";
import { subscriptionsOf, type Connection, type ConnectionHandlers, type Connector, type SessionOptions } from "../../gateway/transport.js";

export interface SimPublish {
  readonly clientId: string;
  readonly topic: string;
  readonly payload: Uint8Array | string;
  readonly retain: boolean;
}

interface SimClient {
  readonly session: SessionOptions;
  /** One-way latency between this client and the broker, ms. */
  readonly latencyMs: number;
  readonly filters: readonly string[];
  readonly handlers: ConnectionHandlers;
  open: boolean;
}

export class SimBroker {
  private upNow = true;
  private clients = new Set<SimClient>();
  /** Next member of each shared group, by `<group>/<filter>`. */
  private turns = new Map<string, number>();
  readonly retained = new Map<string, string | Uint8Array>();
  /** Everything published to this broker, in order. */
  readonly published: SimPublish[] = [];
  onPublish: (p: SimPublish) => void = () => {};
  /** Clock times of every connection attempt. */
  readonly attempts: number[] = [];
  /** Every connection attempt with its client id (to tell a panel's from a receiver's). */
  readonly attemptsBy: { readonly at: number; readonly clientId: string }[] = [];

  constructor(
    readonly url: string,
    private readonly clock: Clock,
    /** One-way latency, ms. */
    readonly latencyMs = 1,
  ) {}

  get up(): boolean {
    return this.upNow;
  }

  get connected(): number {
    return [...this.clients].filter((c) => c.open).length;
  }

  /** Client ids of the open connections. */
  connectedIds(): string[] {
    return [...this.clients].filter((c) => c.open).map((c) => c.session.clientId);
  }

  /** Go down: every connection is lost (Last Wills published into `retained`). */
  kill(): void {
    this.upNow = false;
    for (const c of this.clients) {
      if (!c.open) continue;
      c.open = false;
      if (c.session.will) this.retained.set(c.session.will.topic, c.session.will.payload);
      c.handlers.down("broker went away");
    }
    this.clients.clear();
  }

  revive(): void {
    this.upNow = true;
  }

  /** Send a message to every client whose subscription covers `topic`. */
  deliver(topic: string, payload: Uint8Array | string, retain = false): void {
    const shared = new Map<string, SimClient[]>();
    for (const c of this.clients) {
      if (!c.open) continue;
      let plain = false;
      for (const f of c.filters) {
        const share = parseShared(f);
        if (!share) plain ||= topicMatches(f, topic);
        else if (topicMatches(share.filter, topic)) shared.set(f, [...(shared.get(f) ?? []), c]);
      }
      if (plain) this.send(c, topic, payload, retain);
    }
    for (const [key, members] of shared) {
      const turn = this.turns.get(key) ?? 0;
      this.turns.set(key, turn + 1);
      this.send(members[turn % members.length]!, topic, payload, false);
    }
  }

  /** A client connection; `latencyMs` (default the broker's) is its own one-way latency, e.g. 0 for a centre next to the broker. */
  connect(session: SessionOptions, handlers: ConnectionHandlers, latencyMs = this.latencyMs): Connection {
    const c: SimClient = { session, latencyMs, filters: subscriptionsOf(session), handlers, open: true };
    this.attempts.push(this.clock.now());
    this.attemptsBy.push({ at: this.clock.now(), clientId: session.clientId });
    this.clock.schedule(c.latencyMs, () => {
      if (!c.open) return;
      if (!this.upNow) {
        c.open = false;
        handlers.down("connection refused");
        return;
      }
      this.clients.add(c);
      handlers.up();
      for (const [topic, payload] of this.retained) {
        if (c.filters.some((f) => !parseShared(f) && topicMatches(f, topic))) this.send(c, topic, payload, true);
      }
    });
    const will = () => {
      if (!session.will) return;
      this.retained.set(session.will.topic, session.will.payload);
      this.deliver(session.will.topic, session.will.payload);
    };
    return {
      publish: (topic, payload, retain, done) => {
        if (!c.open || !this.upNow) return done?.(new Error("not connected"));
        this.clock.schedule(c.latencyMs, () => {
          if (!this.upNow) return done?.(new Error("broker went away"));
          const p = { clientId: session.clientId, topic, payload, retain };
          if (retain) this.retained.set(topic, payload);
          this.published.push(p);
          this.onPublish(p);
          // Established subscriptions get it with RETAIN 0 (MQTT 3.1.1 §3.3.1.3).
          this.deliver(topic, payload);
          done?.();
        });
      },
      close: (graceful) => {
        if (!c.open) return;
        c.open = false;
        this.clients.delete(c);
        if (!graceful) will();
      },
    };
  }

  /** One message to one client, after the broker's latency; a copy to a closed client is lost. */
  private send(c: SimClient, topic: string, payload: Uint8Array | string, retain: boolean): void {
    const bytes = typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
    this.clock.schedule(c.latencyMs, () => c.open && c.handlers.message(topic, bytes, retain));
  }
}

/** A connector over a set of simulated brokers, looked up by URL; `latencyMs` overrides each broker's for these clients. */
export function simConnector(brokers: readonly SimBroker[], o: { readonly latencyMs?: number } = {}): Connector {
  return (broker, session, handlers) => {
    const b = brokers.find((x) => x.url === broker.url);
    if (!b) throw new Error(`no simulated broker at ${broker.url}`);
    return b.connect(session, handlers, o.latencyMs);
  };
}
