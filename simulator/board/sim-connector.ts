/**
 * The simulated link port: in-memory brokers on the injected clock, so tests (and the simulator) can
 * step reconnects, path switches and ACK timeouts with fake time. A SimBroker can be taken down and
 * brought back; what the gateway publishes goes to `onPublish`, and `deliver` sends to subscribers.
 */
import type { Clock } from "../../protocol/clock.js";
import type { Connection, ConnectionHandlers, Connector } from "../../gateway/transport.js";

export interface SimPublish {
  readonly clientId: string;
  readonly topic: string;
  readonly payload: Uint8Array | string;
  readonly retain: boolean;
}

interface SimClient {
  readonly clientId: string;
  readonly subscribe: string;
  readonly will: { readonly topic: string; readonly payload: string };
  readonly handlers: ConnectionHandlers;
  open: boolean;
}

export class SimBroker {
  private upNow = true;
  private clients = new Set<SimClient>();
  readonly retained = new Map<string, string | Uint8Array>();
  /** Everything published to this broker, in order. */
  readonly published: SimPublish[] = [];
  onPublish: (p: SimPublish) => void = () => {};
  /** Clock times of every connection attempt. */
  readonly attempts: number[] = [];

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

  /** Go down: every connection is lost (Last Wills published into `retained`). */
  kill(): void {
    this.upNow = false;
    for (const c of this.clients) {
      if (!c.open) continue;
      c.open = false;
      this.retained.set(c.will.topic, c.will.payload);
      c.handlers.down("broker went away");
    }
    this.clients.clear();
  }

  revive(): void {
    this.upNow = true;
  }

  /** Send a message to every client subscribed to `topic` (exact match). */
  deliver(topic: string, payload: Uint8Array, retain = false): void {
    for (const c of this.clients) {
      if (c.open && c.subscribe === topic) this.clock.schedule(this.latencyMs, () => c.open && c.handlers.message(topic, payload, retain));
    }
  }

  connect(clientId: string, subscribe: string, will: SimClient["will"], handlers: ConnectionHandlers): Connection {
    const c: SimClient = { clientId, subscribe, will, handlers, open: true };
    this.attempts.push(this.clock.now());
    this.clock.schedule(this.latencyMs, () => {
      if (!c.open) return;
      if (!this.upNow) {
        c.open = false;
        handlers.down("connection refused");
        return;
      }
      this.clients.add(c);
      handlers.up();
    });
    return {
      publish: (topic, payload, retain) => {
        if (!c.open || !this.upNow) return;
        this.clock.schedule(this.latencyMs, () => {
          if (!this.upNow) return;
          const p = { clientId, topic, payload, retain };
          if (retain) this.retained.set(topic, payload);
          this.published.push(p);
          this.onPublish(p);
        });
      },
      close: (graceful) => {
        if (!c.open) return;
        c.open = false;
        this.clients.delete(c);
        if (!graceful) this.retained.set(will.topic, will.payload);
      },
    };
  }
}

/** A connector over a set of simulated brokers, looked up by URL. */
export function simConnector(brokers: readonly SimBroker[]): Connector {
  return (broker, session, handlers) => {
    const b = brokers.find((x) => x.url === broker.url);
    if (!b) throw new Error(`no simulated broker at ${broker.url}`);
    return b.connect(session.clientId, session.subscribe, session.will, handlers);
  };
}
