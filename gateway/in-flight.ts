/**
 * The frames on the wire and awaiting their ACK (keyed by the frame's seq, its first event's), with the sender's cursor per class (the highest
 * sequence number handed out in that class since the window was last reset). Pure bookkeeping: the
 * Link decides what to send and when.
 */
import type { Timer } from "../protocol/clock.js";
import type { OutboxRecord } from "./outbox.js";

export interface InFlight {
  /** The frame's first record: its seq is the frame's seq, its class the frame's class. */
  readonly rec: OutboxRecord;
  /** Every record the frame carries, in seq order (one, or a batch: frame-groups.ts). */
  readonly recs: readonly OutboxRecord[];
  /** Their seqs: what an ACK of this frame removes from the outbox. */
  readonly seqs: readonly number[];
  sentAt: number;
  firstSentAt: number;
  attempts: number;
  timer: Timer | undefined;
  /** Its ACK timeout passed while another frame was the probe: resend once probing ends. */
  due: boolean;
  /** The refs (protocol/frame-ref.ts) of its last transmissions: an answer must name one of them. */
  refs: string[];
}

/** Delivery order: class, then sequence number. */
export function byDeliveryOrder(a: InFlight, b: InFlight): number {
  return a.rec.prio - b.rec.prio || a.rec.seq - b.rec.seq;
}

export class InFlightWindow {
  private readonly frames = new Map<number, InFlight>();
  private cursorsNow = [-1, -1, -1, -1];

  get size(): number {
    return this.frames.size;
  }

  get cursors(): readonly number[] {
    return this.cursorsNow;
  }

  /** Take a frame of one record, or of several of one class in seq order, on (advancing its class's cursor when `dispatched`). */
  add(recs: OutboxRecord | readonly OutboxRecord[], dispatched = true): InFlight {
    const all: readonly OutboxRecord[] = Array.isArray(recs) ? recs : [recs as OutboxRecord];
    const rec = all[0]!;
    const last = all[all.length - 1]!;
    if (dispatched) this.cursorsNow[rec.prio] = Math.max(this.cursorsNow[rec.prio]!, last.seq);
    const f: InFlight = { rec, recs: all, seqs: all.map((r) => r.seq), sentAt: 0, firstSentAt: 0, attempts: 0, timer: undefined, due: false, refs: [] };
    this.frames.set(rec.seq, f);
    return f;
  }

  get(seq: number): InFlight | undefined {
    return this.frames.get(seq);
  }

  /** Forget a frame (acknowledged or refused); its timer is cancelled. */
  remove(seq: number): InFlight | undefined {
    const f = this.frames.get(seq);
    if (!f) return undefined;
    f.timer?.cancel();
    this.frames.delete(seq);
    return f;
  }

  all(): IterableIterator<InFlight> {
    return this.frames.values();
  }

  /** Forget everything and start the cursors over (a new path or connection). */
  reset(): void {
    for (const f of this.frames.values()) f.timer?.cancel();
    this.frames.clear();
    this.cursorsNow = [-1, -1, -1, -1];
  }

  /** The frame first in delivery order. */
  first(): InFlight | undefined {
    let best: InFlight | undefined;
    for (const f of this.frames.values()) if (!best || byDeliveryOrder(f, best) < 0) best = f;
    return best;
  }

  /** Frames whose resend waited for the probe, in delivery order. */
  due(): InFlight[] {
    return [...this.frames.values()].filter((f) => f.due).sort(byDeliveryOrder);
  }

  /** When the oldest frame still waiting was first sent (Infinity when none). */
  oldestFirstSent(): number {
    let oldest = Infinity;
    for (const f of this.frames.values()) oldest = Math.min(oldest, f.firstSentAt);
    return oldest;
  }
}
