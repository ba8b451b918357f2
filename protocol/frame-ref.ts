/**
 * The name of one exact frame: the first 8 bytes of SHA-256 over the frame as sent, as 16 hex digits.
 * Every ACK and NAK carries the ref of the frame it answers, so an answer binds to those bytes (and so to
 * their signature, RFC 9052 §4.4), not only to a sequence number that anyone able to publish on the
 * panel's uplink topic could copy into a junk frame. A resend has a fresh signature and so a fresh ref;
 * a replayed old answer names a frame the panel no longer has in flight.
 */
import * as nodeCrypto from "node:crypto";

/** Bytes of SHA-256 kept: 64 bits, beyond guessing for a frame the guesser never saw. */
export const FRAME_REF_BYTES = 8;

/**
 * SHA-256 in one call where node:crypto has hash() (Node >= 20.12): the receiver names every frame it
 * answers, and a Hash object per frame costs ~1.7x as much. Older Node 20 releases use createHash.
 */
const sha256: (b: Uint8Array) => Buffer =
  typeof nodeCrypto.hash === "function" ? (b) => nodeCrypto.hash("sha256", b, "buffer") : (b) => nodeCrypto.createHash("sha256").update(b).digest();

/** SHA-256 over the frame as sent, all 32 bytes: the key the centre stores a signed frame's bytes under once. */
export function frameDigest(frame: Uint8Array): Buffer {
  return sha256(frame);
}

/** SHA-256 as hex text in one call: the ref is its first 16 digits, with no Buffer made on the way. */
const sha256Hex: (b: Uint8Array) => string =
  typeof nodeCrypto.hash === "function" ? (b) => nodeCrypto.hash("sha256", b, "hex") : (b) => nodeCrypto.createHash("sha256").update(b).digest("hex");

export function frameRef(frame: Uint8Array): string {
  return sha256Hex(frame).slice(0, 2 * FRAME_REF_BYTES);
}
