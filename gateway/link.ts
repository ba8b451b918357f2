/**
 * The uplink: the send window (send-window.ts) on the path the prober chose (path-prober.ts), the
 * downlink handlers (downlink/), and the heartbeats each path's timer asks for (heartbeat-schedule.ts).
 * It tells its owner what happens through typed events (link-events.ts).
 */
import { EventEmitter } from "node:events";
import { sealUplink, topics, type Heartbeat, type Signer, type Trace } from "../protocol/index.js";
import type { KeyObject } from "node:crypto";
import type { Clock } from "../protocol/clock.js";
import type { DownlinkContext } from "./downlink/context.js";
import { routeDownlink } from "./downlink/route-downlink.js";
import { heartbeatBody } from "./heartbeat-body.js";
import type { LinkEvents } from "./link-events.js";
import type { LinkPath, PathListener } from "./link-path.js";
import type { Outbox } from "./outbox.js";
import { PathProber } from "./path-prober.js";
import { SendWindow } from "./send-window.js";

export type { LinkEvents } from "./link-events.js";

export interface LinkOptions {
  readonly panel: string;
  readonly signer: Signer;
  readonly centreKey: { readonly kid: string; readonly key: KeyObject };
  readonly clock: Clock;
  readonly outbox: Outbox;
  readonly window: number;
  readonly maxWindow?: number;
  /** Events per frame at most (send-window.ts); default 1. */
  readonly batchEvents?: number;
  readonly ackTimeoutMs: number;
  /** Per path: no ACK for this long while frames wait makes the path suspect (when another is up). */
  readonly failAfterMs: readonly number[];
  /** Summary status for heartbeats, without the outbox depth (added here). */
  readonly status: () => Omit<Heartbeat, "outbox">;
  /** Per-stage tracing (protocol/trace.ts); off when absent. */
  readonly trace?: Trace;
}

export class Link extends EventEmitter<LinkEvents> {
  private readonly window: SendWindow;
  private readonly prober: PathProber;
  private readonly downlink: DownlinkContext;
  private offsetMs = 0;

  constructor(private readonly opts: LinkOptions) {
    super();
    this.window = new SendWindow({
      ...opts,
      now: () => this.now(),
      events: this,
      route: () => this.prober.route(),
      ackTimedOut: () => this.prober.checkHealth(),
      refill: () => this.pump(),
    });
    this.prober = new PathProber({ ...opts, window: this.window, events: this, heartbeat: () => this.heartbeat() });
    this.downlink = {
      clock: opts.clock,
      outbox: opts.outbox,
      window: this.window,
      prober: this.prober,
      events: this,
      setClockOffset: (ms) => this.setClockOffset(ms),
      pump: () => this.pump(),
      ...(opts.trace ? { trace: bindPanel(opts.trace, opts.panel) } : {}),
    };
  }

  /** Paths are created by the owner with this link's handlers (see pathListener). */
  attach(paths: readonly LinkPath[]): void {
    this.prober.attach(paths);
  }

  /** What path `index` reports to the link (the owner may wrap each handler). */
  pathListener(index: number): Pick<PathListener, "up" | "down" | "message" | "heartbeatDue"> {
    return {
      up: () => this.prober.reselect(),
      down: () => this.prober.reselect(),
      message: (_topic, payload, retain) => routeDownlink(this.downlink, this.opts, index, payload, retain),
      heartbeatDue: () => this.sendHeartbeat(index),
    };
  }

  /** Centre-corrected time: local clock plus the offset learnt from NAKs and time-sync. */
  now(): number {
    return this.opts.clock.now() + this.offsetMs;
  }

  setClockOffset(offsetMs: number): void {
    this.offsetMs = offsetMs;
    this.emit("clock", { offsetMs });
  }

  get activePath(): number | undefined {
    return this.prober.activeIndex;
  }

  /** Fill the window from the outbox in delivery order. Cheap to call after every enqueue. */
  pump(): void {
    if (this.prober.holdsTraffic()) return;
    this.window.fill();
  }

  stop(): void {
    this.window.stop();
  }

  /**
   * Path `index`'s heartbeat is due (heartbeat-schedule.ts). On the active path the heartbeat is
   * queued and goes out through the window; on the idle alternative it is sent once over that path
   * (and, being stored, also delivered through the active path if its ACK does not come back).
   */
  private sendHeartbeat(index: number): void {
    const path = this.prober.path(index);
    if (!path || path.state !== "up") return;
    const heartbeat = this.heartbeat();
    const rec = this.opts.outbox.enqueueHeartbeat(heartbeat);
    if (index === this.prober.activeIndex) return this.pump();
    const { panel, signer } = this.opts;
    const frame = sealUplink({ v: 1, panel, seq: rec.seq, sent: this.now(), heartbeat }, signer);
    this.window.sentOutside(rec.seq, frame);
    path.send(topics.up(panel), frame);
    this.emit("sent", { seq: rec.seq, attempt: 1, path: index });
  }

  private heartbeat(): Heartbeat {
    return heartbeatBody(this.opts.status, this.opts.outbox.depth().total, (message) => this.emit("statusFailed", { message }));
  }
}

/** The downlink handlers know no panel id: the link names its own. */
function bindPanel(trace: Trace, panel: string): Trace {
  return (stage, _panel, seq, at) => trace(stage, panel, seq, at);
}
