/**
 * Heartbeat frames: the supervision message of EN 50136 carrying the summary status (areas, troubles,
 * outbox depth). Each takes a sequence number from the outbox's durable counter but is not stored:
 * a lost heartbeat is replaced by the next one, not resent. The send time is kept for the RTT metric.
 */
import { sealUplink, type Heartbeat, type Signer } from "../protocol/index.js";
import type { Clock } from "./clock.js";
import type { Outbox } from "./outbox.js";

/** Heartbeats whose ACK we still time; older ones are forgotten. */
const TRACKED = 16;

export interface HeartbeatFramesOptions {
  readonly panel: string;
  readonly signer: Signer;
  readonly clock: Clock;
  readonly outbox: Outbox;
  /** Centre-corrected time for `sent`. */
  readonly now: () => number;
  readonly status: () => Omit<Heartbeat, "outbox">;
  /** status() threw or returned something a heartbeat cannot carry. */
  readonly statusFailed: (message: string) => void;
}

export class HeartbeatFrames {
  private readonly sentAt = new Map<number, number>();

  constructor(private readonly o: HeartbeatFramesOptions) {}

  build(): { seq: number; frame: Uint8Array } {
    const o = this.o;
    const seq = o.outbox.allocateSeq();
    const outbox = o.outbox.depth().total;
    let frame: Uint8Array;
    try {
      frame = sealUplink({ v: 1, panel: o.panel, seq, sent: o.now(), heartbeat: { ...o.status(), outbox } }, o.signer);
    } catch (e) {
      // A status that throws or does not fit the schema must not stop supervision: the heartbeat
      // still goes, with an empty summary, and the fault is reported.
      o.statusFailed(String((e as Error)?.message ?? e));
      frame = sealUplink({ v: 1, panel: o.panel, seq, sent: o.now(), heartbeat: { areas: [], troubles: [], outbox } }, o.signer);
    }
    this.sentAt.set(seq, o.clock.now());
    if (this.sentAt.size > TRACKED) this.sentAt.delete(this.sentAt.keys().next().value!);
    return { seq, frame };
  }

  /** Round trip of an acknowledged heartbeat of ours (then forgotten), else undefined. */
  acked(seq: number): number | undefined {
    const t = this.sentAt.get(seq);
    if (t === undefined) return undefined;
    this.sentAt.delete(seq);
    return this.o.clock.now() - t;
  }
}
