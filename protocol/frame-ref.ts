/**
 * The name of one exact frame: the first 8 bytes of SHA-256 over the frame as sent, as 16 hex digits.
 * Every ACK and NAK carries the ref of the frame it answers, so an answer binds to those bytes (and so to
 * their signature, RFC 9052 §4.4), not only to a sequence number that anyone able to publish on the
 * panel's uplink topic could copy into a junk frame. A resend has a fresh signature and so a fresh ref;
 * a replayed old answer names a frame the panel no longer has in flight.
 */
import { createHash } from "node:crypto";

/** Bytes of SHA-256 kept: 64 bits, beyond guessing for a frame the guesser never saw. */
export const FRAME_REF_BYTES = 8;

export function frameRef(frame: Uint8Array): string {
  return createHash("sha256").update(frame).digest().subarray(0, FRAME_REF_BYTES).toString("hex");
}
