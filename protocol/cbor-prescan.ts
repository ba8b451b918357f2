/**
 * A cheap, iterative pre-scan of CBOR bytes (RFC 8949 §3) that bounds what a hostile frame can cost
 * before the decoder (cbor-read.ts), which recurses, ever sees it. One pass over the item heads, no recursion, no
 * allocation beyond a stack of at most `maxDepth` counters; string contents are skipped, not read.
 *
 * It refuses, in this order of discovery:
 *  - more than `maxBytes` bytes ("oversize");
 *  - truncated items, trailing bytes, reserved additional-information values 28-30 ("malformed");
 *  - indefinite lengths, which deterministic encoding forbids (RFC 8949 §4.2.1) ("malformed");
 *  - anything outside the frame data model: floats, null, undefined, simple values, tags other than
 *    18 (COSE_Sign1, RFC 9052 §4.2) ("malformed");
 *  - nesting deeper than `maxDepth` or more than `maxItems` data items ("too-complex").
 *
 * Depth counts the item itself and every array, map or tag around it: a scalar alone is depth 1,
 * `[1]` is depth 2. Items count every data item, map keys and tags included.
 */
import { ProtocolError } from "./errors.js";
import { BATCH_MAX_EVENTS } from "./event-batch.js";

export interface CborLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
  readonly maxItems: number;
}

/** A signed frame is at most 4 KiB, whatever it carries. */
const FRAME_BYTES = 4096;

/**
 * The COSE_Sign1 envelope: #6.18([bstr, {}, bstr, bstr]) is 6 items at depth 3. The limits leave room
 * for a non-empty unprotected header, so that it is refused by name ("must be empty"), not by count.
 */
export const ENVELOPE_LIMITS: CborLimits = { maxBytes: FRAME_BYTES, maxDepth: 4, maxItems: 16 };

/** The protected header {1: alg, 4: kid}: 5 items at depth 2 (RFC 9052 §3.1). */
export const HEADER_LIMITS: CborLimits = { maxBytes: FRAME_BYTES, maxDepth: 2, maxItems: 8 };

/**
 * An uplink payload (uplink.ts). Deepest: a heartbeat's area pair, map > heartbeat > areas > pair > int
 * (depth 5). Most items: a full batch (event-batch.ts), BATCH_MAX_EVENTS events of 6 items and their
 * seqs, plus the map's 13 (909 for 128); a heartbeat with 32 areas and 32 troubles has about 145. A
 * hostile payload still costs at most this many loop turns, as much as the largest valid one.
 */
export const UPLINK_LIMITS: CborLimits = { maxBytes: FRAME_BYTES, maxDepth: 5, maxItems: 16 + 7 * BATCH_MAX_EVENTS };

/**
 * A downlink payload (downlink.ts). Deepest: a user-add's area list, map > command > arguments > spec >
 * areas > int (depth 6). Most items: a full ACK, ACK_MAX_FRAMES (128) pairs [seq, ref] of 3 items each
 * plus the map's 8 (about 393).
 */
export const DOWNLINK_LIMITS: CborLimits = { maxBytes: FRAME_BYTES, maxDepth: 6, maxItems: 400 };

/** Any CBOR this protocol decodes: the loosest of the shapes above. */
export const DEFAULT_LIMITS: CborLimits = {
  maxBytes: FRAME_BYTES,
  maxDepth: Math.max(ENVELOPE_LIMITS.maxDepth, HEADER_LIMITS.maxDepth, UPLINK_LIMITS.maxDepth, DOWNLINK_LIMITS.maxDepth),
  maxItems: Math.max(ENVELOPE_LIMITS.maxItems, HEADER_LIMITS.maxItems, UPLINK_LIMITS.maxItems, DOWNLINK_LIMITS.maxItems),
};

/** Tags that may appear in a frame: COSE_Sign1 (RFC 9052 §4.2) only; everything else is refused. */
export const FRAME_TAGS: ReadonlySet<number> = new Set([18]);
/** Major type 7 values in the data model: false (20) and true (21). */
const SIMPLE_FALSE = 20;
const SIMPLE_TRUE = 21;

const malformed = (what: string, why: string) => new ProtocolError("malformed", `${what}: ${why}`);
const tooComplex = (what: string, why: string) => new ProtocolError("too-complex", `${what}: ${why}`);

/**
 * Check that `bytes` hold exactly one CBOR item of the frame data model within `limits`. Throws a
 * ProtocolError ("oversize", "malformed" or "too-complex") otherwise. Cost: O(items), at most
 * 2 x maxItems loop turns, whatever the bytes are.
 */
export function prescanCbor(bytes: Uint8Array, limits: CborLimits = DEFAULT_LIMITS, what = "CBOR"): void {
  const n = bytes.length;
  if (n > limits.maxBytes) throw new ProtocolError("oversize", `${what} of ${n} bytes exceeds ${limits.maxBytes}`);
  // pending[d]: items still expected inside the open container at level d (level 0: the one top item).
  const pending: number[] = [1];
  let pos = 0;
  let items = 0;
  while (pending.length > 0) {
    const level = pending.length - 1;
    if (pending[level] === 0) {
      pending.pop();
      continue;
    }
    pending[level]! -= 1;
    if (++items > limits.maxItems) throw tooComplex(what, `more than ${limits.maxItems} data items`);
    const depth = pending.length; // of the item being read
    if (pos >= n) throw malformed(what, "truncated");
    const head = bytes[pos++]!;
    const major = head >> 5;
    const info = head & 0x1f;
    let arg: number;
    if (info < 24) arg = info;
    else if (info === 31) throw malformed(what, "indefinite length (RFC 8949 §4.2.1 forbids it)");
    else if (info > 27) throw malformed(what, `reserved additional information ${info}`);
    else {
      const len = 1 << (info - 24); // 1, 2, 4 or 8 bytes
      if (n - pos < len) throw malformed(what, "truncated");
      arg = 0;
      for (let i = 0; i < len; i++) arg = arg * 256 + bytes[pos + i]!; // exact up to 2^53, larger only compared
      pos += len;
    }
    const left = n - pos;
    switch (major) {
      case 0:
      case 1:
        break;
      case 2:
      case 3:
        if (arg > left) throw malformed(what, "truncated string");
        pos += arg;
        break;
      case 4:
      case 5: {
        const children = major === 4 ? arg : arg * 2;
        if (children === 0) break;
        // Every child takes at least one byte: a count beyond what is left is a lie, refused at once.
        if (children > left) throw malformed(what, "truncated array or map");
        if (depth + 1 > limits.maxDepth) throw tooComplex(what, `nested deeper than ${limits.maxDepth}`);
        pending.push(children);
        break;
      }
      case 6:
        if (!FRAME_TAGS.has(arg)) throw malformed(what, `unknown tag ${arg}`);
        if (depth + 1 > limits.maxDepth) throw tooComplex(what, `nested deeper than ${limits.maxDepth}`);
        pending.push(1);
        break;
      default: // 7: simple values and floats
        if (info !== SIMPLE_FALSE && info !== SIMPLE_TRUE) throw malformed(what, "value outside the frame data model");
    }
  }
  if (pos !== n) throw malformed(what, `${n - pos} trailing bytes`);
}
