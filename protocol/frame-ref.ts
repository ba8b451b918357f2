/**
 * The name of one exact frame: the first 8 bytes of SHA-256 over the frame as sent, as 16 hex digits.
 * Every ACK and NAK carries the ref of the frame it answers, so an answer binds to those bytes (and so to
 * their signature, RFC 9052 §4.4), not only to a sequence number that anyone able to publish on the
 * panel's uplink topic could copy into a junk frame. A resend has a fresh signature and so a fresh ref;
 * a replayed old answer names a frame the panel no longer has in flight.
 */
import { sha256, sha256Hex } from "./sha256.js";

/** Bytes of SHA-256 kept: 64 bits, beyond guessing for a frame the guesser never saw. */
export const FRAME_REF_BYTES = 8;

/** SHA-256 over the frame as sent, all 32 bytes: the key the centre stores a signed frame's bytes under once. */
export function frameDigest(frame: Uint8Array): Buffer {
  return sha256(frame);
}

/** The ref: the first 16 hex digits of SHA-256 over the frame. */
export function frameRef(frame: Uint8Array): string {
  return sha256Hex(frame).slice(0, 2 * FRAME_REF_BYTES);
}
