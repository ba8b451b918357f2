/**
 * Which records travel together, and as what payload: waiting records (in delivery order, as
 * Outbox.peek gives them) cut into frames. Several events of one class that wait together (a backlog) go as one batch frame of up to
 * `maxEvents`, in seq order (protocol/event-batch.ts); a record that waits alone (a live alarm) goes alone
 * at once, and heartbeats and command results always go alone. FIFO within a class holds because a
 * class's records are taken in seq order and never skipped.
 *
 * The alarm slot: when the window holds two frames or more, lower-class frames may fill all but one of
 * it, so an alarm never waits behind a full window of lower-class batches (the outbox's priority order,
 * outbox.ts, kept on the wire too). Pure.
 */
import { Priority, type Event, type UplinkPayload } from "../protocol/index.js";
import type { OutboxRecord } from "./outbox-record.js";

export interface GroupLimits {
  /** Free slots in the window now. */
  readonly free: number;
  /** The window's size now. */
  readonly window: number;
  /** Lower-class (non-alarm) frames in flight now. */
  readonly lowerInFlight: number;
  /** Events per frame at most (1: no batching). */
  readonly maxEvents: number;
}

/** Lower-class frames a window of `window` may hold: all but the alarm slot (a window of one, probing, has no slot to keep: the probe may be of any class). */
export function lowerShare(window: number): number {
  return window >= 2 ? window - 1 : window;
}

export function groupFrames(recs: readonly OutboxRecord[], l: GroupLimits): OutboxRecord[][] {
  const frames: OutboxRecord[][] = [];
  const lowerMax = lowerShare(l.window);
  let lower = l.lowerInFlight;
  let i = 0;
  while (i < recs.length && frames.length < l.free) {
    const first = recs[i]!;
    if (first.prio !== Priority.Alarm) {
      // Records come in class order: everything from here on is of a lower class too.
      if (lower >= lowerMax) break;
      lower++;
    }
    const group = [first];
    i++;
    if (first.item.kind === "event") {
      while (i < recs.length && group.length < l.maxEvents && recs[i]!.prio === first.prio && recs[i]!.item.kind === "event") group.push(recs[i++]!);
    }
    frames.push(group);
  }
  return frames;
}

/** The payload of a frame: one item as ever, or a batch of events with their seqs (protocol/event-batch.ts). */
export function framePayload(recs: readonly OutboxRecord[], panel: string, sent: number): UplinkPayload {
  const first = recs[0]!;
  const head = { v: 1 as const, panel, seq: first.seq, sent };
  if (recs.length > 1) return { ...head, events: recs.map((r) => (r.item as { readonly event: Event }).event), seqs: recs.map((r) => r.seq) };
  const item = first.item;
  return item.kind === "event" ? { ...head, events: [item.event] } : item.kind === "result" ? { ...head, result: item.result } : { ...head, heartbeat: item.heartbeat };
}
