/**
 * SHA-256 in one call where node:crypto has hash() (Node >= 20.12): a Hash object per call costs ~1.7x as
 * much for the short inputs hashed per frame (frame refs and digests, Merkle leaves and nodes). Older
 * Node 20 releases use createHash.
 */
import * as nodeCrypto from "node:crypto";

const oneShot = typeof nodeCrypto.hash === "function";

/** SHA-256 of `b`, 32 bytes. */
export const sha256: (b: Uint8Array) => Buffer = oneShot
  ? (b) => nodeCrypto.hash("sha256", b, "buffer")
  : (b) => nodeCrypto.createHash("sha256").update(b).digest();

/** SHA-256 of `b` as 64 lower-case hex digits, with no Buffer made on the way. */
export const sha256Hex: (b: Uint8Array) => string = oneShot
  ? (b) => nodeCrypto.hash("sha256", b, "hex")
  : (b) => nodeCrypto.createHash("sha256").update(b).digest("hex");
