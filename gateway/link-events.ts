/** What the Link tells its owner (the Gateway), as a typed event map for EventEmitter<LinkEvents>. */
import type { Command, NakReason } from "../protocol/index.js";

export interface LinkEvents {
  /** A frame left on `path` (attempt 1 first, then each resend); `seqs`: the events of a batch frame. */
  sent: [{ seq: number; attempt: number; path: number; seqs?: readonly number[] }];
  /** A frame was acknowledged (its items left the outbox); `seqs`: the events of a batch frame. */
  acked: [{ seq: number; rttMs: number; seqs?: readonly number[] }];
  /** The centre refused a frame for good (PERMANENT_NAK, or it could not be sealed): the item is parked. */
  rejected: [{ seq: number; reason: NakReason }];
  nak: [{ seq: number; reason: NakReason }];
  /**
   * A `seq-reused` NAK: the centre holds other content under our numbers (this outbox was lost or
   * replaced), so every pending item moved up by `shift`, the lowest to `next`, and goes again.
   */
  renumbered: [{ next: number; shift: number; pending: number }];
  /** Centre time minus local time, learnt from a `stale` NAK or a time-sync command. */
  clock: [{ offsetMs: number }];
  /** Active path changed: 0 primary, 1 alternative, undefined none. */
  path: [{ path: number | undefined }];
  /** A verified command from the centre, not yet checked for freshness, expiry or replay. */
  command: [{ cmd: Command; centreSent: number }];
  /** status() threw or returned something a heartbeat cannot carry (an empty summary went instead). */
  statusFailed: [{ message: string }];
  /** A path was marked suspect (no ACKs within its time) or cleared (an ACK came over it). */
  pathHealth: [{ path: number; ok: boolean }];
  /** A downlink message that was not acted on, with the reason code. */
  refused: [{ code: string; message: string }];
}
