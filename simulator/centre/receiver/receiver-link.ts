/**
 * A receiver's MQTT session over the `Connector` port (gateway/transport.ts): one clean session with a
 * list of subscriptions, kept up by reconnecting after a fixed delay, and downlinks published QoS 1 with
 * a callback on PUBACK. A downlink published while the connection is down is dropped: a panel resends
 * every numbered frame until an ACK names it (protocol/README.md), and the receiver then re-ACKs it.
 */
import type { Clock, Timer } from "../../../protocol/clock.js";
import type { BrokerOptions, Connection, Connector } from "../../../gateway/transport.js";
import { CentreError } from "../errors.js";
import type { Logger } from "../logger.js";

export interface ReceiverLinkOptions {
  readonly broker: BrokerOptions;
  readonly clientId: string;
  readonly subscribe: readonly string[];
  readonly connector: Connector;
  /** Runs the reconnect timer; its pending timer keeps the process alive, as mqtt.js's own did. */
  readonly clock: Clock;
  readonly reconnectDelayMs: number;
  readonly logger: Logger;
  readonly onMessage: (topic: string, payload: Uint8Array) => void;
}

type LinkState = "idle" | "connecting" | "up" | "retrying" | "closed";

export class ReceiverLink {
  private state: LinkState = "idle";
  private conn: Connection | undefined;
  private retry: Timer | undefined;
  private inFlight = 0;
  private drained: (() => void) | undefined;

  constructor(private readonly o: ReceiverLinkOptions) {}

  /** The first connection; rejects with `broker-refused` if it fails (no retry then). */
  open(): Promise<void> {
    if (this.state !== "idle") return Promise.reject(new CentreError("bad-state", `link ${this.o.clientId} already opened`));
    return new Promise((resolve, reject) => this.attempt(resolve, reject));
  }

  /** QoS 1; `done` runs on PUBACK. */
  publish(topic: string, payload: Uint8Array, done: (err?: Error) => void): void {
    if (this.state !== "up" || !this.conn) return done(new Error("not connected"));
    this.inFlight++;
    this.conn.publish(topic, payload, false, (err) => {
      this.inFlight--;
      if (this.inFlight === 0) this.drained?.();
      done(err);
    });
  }

  /** Wait for the downlinks in flight (at most `waitMs` on the link's clock), then disconnect cleanly. */
  async close(waitMs = 5_000): Promise<void> {
    if (this.state === "up" && this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const t = this.o.clock.schedule(waitMs, resolve);
        this.drained = () => {
          t.cancel();
          resolve();
        };
      });
    }
    this.end(true);
  }

  /** Drop the connection at once, as a crashed process would. */
  kill(): void {
    this.end(false);
  }

  private end(graceful: boolean): void {
    this.state = "closed";
    this.retry?.cancel();
    this.conn?.close(graceful);
    this.conn = undefined;
  }

  private attempt(resolve?: () => void, reject?: (e: Error) => void): void {
    this.state = "connecting";
    const { broker, clientId, subscribe } = this.o;
    this.conn = this.o.connector(broker, { clientId, keepaliveS: 60, sessionExpiryS: 0, clean: true, subscribe }, {
      up: () => {
        this.state = "up";
        resolve?.();
      },
      down: (reason) => {
        this.conn = undefined;
        this.inFlight = 0;
        this.drained?.();
        if (this.state === "closed") return;
        if (reject && this.state === "connecting") {
          this.state = "closed";
          return reject(new CentreError("broker-refused", `${clientId} cannot connect to ${broker.url}: ${reason}`));
        }
        this.o.logger.log("warn", "receiver: connection lost, reconnecting", { client: clientId, reason, inMs: this.o.reconnectDelayMs });
        this.state = "retrying";
        this.retry = this.o.clock.schedule(this.o.reconnectDelayMs, () => this.state === "retrying" && this.attempt());
      },
      message: (topic, payload) => this.o.onMessage(topic, payload),
    });
  }
}
