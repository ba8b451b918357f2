/**
 * Several events per frame (a batch frame). A batch lists the sequence number of each of its events
 * (payload key 7, `seqs`), so every event keeps its own number: the panel's outbox numbers events one by
 * one, the centre stores and deduplicates per (panel, event seq), and a hole in a panel's numbers is still
 * one lost event. A payload without `seqs` is one event under the frame's seq, exactly as before (the
 * 128-byte alarm frame is unchanged).
 *
 * The rules of `seqs` (refused as "malformed" otherwise):
 *  - 2 to BATCH_MAX_EVENTS entries, one per event, in the order of `events`;
 *  - the first equals the frame's `seq` (so an ACK naming the frame's seq names its first event);
 *  - strictly ascending (a class's events leave in seq order, FIFO); NOT required to be contiguous: the
 *    outbox numbers all classes from one counter, so one class's waiting events have holes between them;
 *  - every event of one delivery priority class (events.ts `priority`): a batch never makes an alarm wait
 *    for, or travel as, a lower-class event.
 */
import { eventDef } from "./events.js";

/**
 * At most this many events per batch frame. The largest event encodes in 19 bytes (3-digit code,
 * qualifier, area 255, zone 999, an age of 2^53 ms) and its seq in 9: 128 x 28 bytes plus the largest
 * envelope and head (a 32-byte kid and panel id, 9-byte seq and time, about 172 bytes) is 3,756 bytes,
 * inside the 4 KiB frame limit (cose.ts MAX_FRAME_BYTES) whatever the events are.
 */
export const BATCH_MAX_EVENTS = 128;

/** Events in a payload without `seqs` (one seq for the whole list): the v1 limit, unchanged. */
export const UNBATCHED_MAX_EVENTS = 16;

/** Why `seqs` does not fit `events` and `seq` (the rules above), or undefined when it does. */
export function batchProblem(seq: number, events: readonly { readonly code: number }[], seqs: readonly number[] | undefined): { path: string; message: string } | undefined {
  if (seqs === undefined) {
    return events.length > UNBATCHED_MAX_EVENTS ? { path: "events", message: `more than ${UNBATCHED_MAX_EVENTS} events need their own seqs (key 7)` } : undefined;
  }
  if (seqs.length !== events.length) return { path: "seqs", message: `${seqs.length} seqs for ${events.length} events` };
  if (seqs[0] !== seq) return { path: "seqs", message: `first seq ${seqs[0]} is not the frame's seq ${seq}` };
  for (let i = 1; i < seqs.length; i++) {
    if (seqs[i]! <= seqs[i - 1]!) return { path: "seqs", message: `seqs must rise strictly (${seqs[i - 1]} then ${seqs[i]})` };
  }
  const prio = eventDef(events[0]!.code)?.priority;
  // Unknown codes are the event schema's to report; only known ones of two classes are mixed.
  if (events.some((e) => { const p = eventDef(e.code)?.priority; return p !== undefined && prio !== undefined && p !== prio; })) {
    return { path: "events", message: "a batch holds events of one priority class" };
  }
  return undefined;
}
