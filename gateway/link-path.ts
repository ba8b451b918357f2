/**
 * One path to one broker: connects, reconnects after exponential backoff with full jitter, publishes
 * the retained "online" status on every connect (the retained "offline" is the Last Will), and runs the
 * path's heartbeat timer (heartbeat-schedule.ts): every frame sent restarts it; when it runs out, the
 * path asks for a heartbeat.
 */
import { STATUS_OFFLINE, STATUS_ONLINE, topics } from "../protocol/index.js";
import { Backoff, type BackoffOptions } from "./backoff.js";
import type { Clock, Timer } from "../protocol/clock.js";
import { HeartbeatTimer } from "./heartbeat-schedule.js";
import type { BrokerOptions, Connection, Connector } from "./transport.js";

export type PathState = "idle" | "connecting" | "up" | "waiting" | "stopped";

export interface PathListener {
  up(): void;
  down(reason: string): void;
  message(topic: string, payload: Uint8Array, retain: boolean): void;
  heartbeatDue(): void;
  /** A reconnect is scheduled after `delayMs` (counts reconnects); `connected` says whether the path was up. */
  retrying(delayMs: number, reason: string, connected: boolean): void;
}

export interface LinkPathOptions {
  readonly panel: string;
  readonly broker: BrokerOptions;
  readonly connector: Connector;
  readonly clock: Clock;
  readonly backoff: BackoffOptions;
  readonly heartbeatMs: number;
  readonly keepaliveS: number;
  readonly sessionExpiryS: number;
  /** Distinguishes the client ids of the two paths of one panel. */
  readonly clientSuffix: string;
}

export class LinkPath {
  private stateNow: PathState = "idle";
  private conn: Connection | undefined;
  private retry: Timer | undefined;
  private readonly heartbeat: HeartbeatTimer;
  private readonly backoff: Backoff;

  constructor(
    private readonly opts: LinkPathOptions,
    private readonly listener: PathListener,
  ) {
    this.backoff = new Backoff(opts.backoff);
    this.heartbeat = new HeartbeatTimer(opts.clock, opts.heartbeatMs, () => {
      if (this.stateNow === "up") this.listener.heartbeatDue();
    });
  }

  get state(): PathState {
    return this.stateNow;
  }

  start(): void {
    if (this.stateNow === "idle") this.connect();
  }

  /**
   * Publish an uplink frame on this path (QoS 1), on the wire before this returns; restarts the heartbeat
   * timer. The frame is already in the outbox (durable): nothing else may come between that commit and the
   * frame leaving, least of all the panel's own state commit that follows in the same step.
   */
  send(topic: string, frame: Uint8Array): boolean {
    if (this.stateNow !== "up" || !this.conn) return false;
    this.conn.publish(topic, frame, false);
    this.conn.flush?.();
    this.heartbeat.restart();
    return true;
  }

  /** Publish the retained "offline" ourselves, then disconnect cleanly (so the Will is not needed). */
  stop(): void {
    const prev = this.stateNow;
    this.stateNow = "stopped";
    this.retry?.cancel();
    this.heartbeat.stop();
    if (prev === "up") this.conn?.publish(topics.status(this.opts.panel), STATUS_OFFLINE, true);
    this.conn?.close(true);
    this.conn = undefined;
  }

  /** Drop the connection as if it had failed (tests; a path that stopped answering). */
  drop(reason: string): void {
    if (this.stateNow !== "up" && this.stateNow !== "connecting") return;
    this.conn?.close(false);
    this.onDown(reason);
  }

  private connect(): void {
    this.stateNow = "connecting";
    const o = this.opts;
    this.conn = o.connector(
      o.broker,
      {
        clientId: `${o.panel}${o.clientSuffix}`,
        keepaliveS: o.keepaliveS,
        sessionExpiryS: o.sessionExpiryS,
        will: { topic: topics.status(o.panel), payload: STATUS_OFFLINE },
        subscribe: topics.down(o.panel),
      },
      {
        up: () => this.onUp(),
        down: (reason) => this.onDown(reason),
        message: (t, p, r) => this.listener.message(t, p, r),
      },
    );
  }

  private onUp(): void {
    if (this.stateNow !== "connecting") return;
    this.stateNow = "up";
    this.backoff.reset();
    this.conn?.publish(topics.status(this.opts.panel), STATUS_ONLINE, true);
    this.heartbeat.restart();
    this.listener.up();
  }

  private onDown(reason: string): void {
    const prev = this.stateNow;
    switch (prev) {
      case "connecting":
      case "up":
        break;
      case "idle":
      case "waiting":
      case "stopped":
        return;
      default: {
        const never: never = prev;
        return never;
      }
    }
    this.stateNow = "waiting";
    this.conn = undefined;
    this.heartbeat.stop();
    const delay = this.backoff.next();
    this.retry = this.opts.clock.schedule(delay, () => {
      if (this.stateNow === "waiting") this.connect();
    });
    this.listener.retrying(delay, reason, prev === "up");
    if (prev === "up") this.listener.down(reason);
  }
}
