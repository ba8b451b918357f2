/**
 * Read one deterministic CBOR item (RFC 8949 §4.2.1) of the frame data model straight from its bytes,
 * checking determinism as it goes: every head in its shortest form (§4.2.1 "preferred serialization"),
 * map keys in bytewise lexicographic order of their encodings and none twice, text strings valid UTF-8
 * (§3.1 major type 3), integers within 2^53 (what a JavaScript number holds exactly).
 *
 * It runs only on bytes the pre-scan (cbor-prescan.ts) has passed, so the item is complete, within the
 * limits, of known major types and tags, with no indefinite lengths and nothing after it: what is left
 * to refuse is a non-deterministic encoding or a value outside the data model, both "malformed". It
 * accepts exactly what decoding with cbor-x, re-encoding and comparing the bytes accepted, and returns
 * the same value (a property test holds the two together); it builds no intermediate value and encodes
 * nothing.
 */
import type { CborValue } from "./cbor.js";
import { ProtocolError } from "./errors.js";
import { utf8Span } from "./utf8-span.js";

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const TWO_32 = 0x100000000;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const EMPTY = new Uint8Array(0);
/** The item being read: the reader is synchronous and calls nothing outside this file. */
let src: Uint8Array = EMPTY;
let pos = 0;
let what = "CBOR";

function malformed(why: string): never {
  throw new ProtocolError("malformed", `${what}: ${why}`);
}

/** The argument of a head whose additional information is `info` (0..27: the pre-scan refused 28..31). */
function argument(info: number): number {
  if (info < 24) return info;
  const s = src;
  const p = pos;
  let v: number;
  if (info === 24) {
    v = s[p]!;
    pos = p + 1;
    if (v < 24) malformed("not the shortest head");
  } else if (info === 25) {
    v = (s[p]! << 8) | s[p + 1]!;
    pos = p + 2;
    if (v < 0x100) malformed("not the shortest head");
  } else if (info === 26) {
    v = s[p]! * 0x1000000 + ((s[p + 1]! << 16) | (s[p + 2]! << 8) | s[p + 3]!);
    pos = p + 4;
    if (v < 0x10000) malformed("not the shortest head");
  } else {
    const hi = s[p]! * 0x1000000 + ((s[p + 1]! << 16) | (s[p + 2]! << 8) | s[p + 3]!);
    const lo = s[p + 4]! * 0x1000000 + ((s[p + 5]! << 16) | (s[p + 6]! << 8) | s[p + 7]!);
    pos = p + 8;
    if (hi === 0) malformed("not the shortest head");
    v = hi * TWO_32 + lo; // exact up to 2^53; beyond, only compared with MAX_SAFE
  }
  return v;
}

function text(n: number): string {
  const end = pos + n;
  const out = utf8Span(src, pos, end, utf8);
  if (out === undefined) malformed("text string is not UTF-8");
  pos = end;
  return out;
}

/** -1, 0 or 1: the bytes src[a0, a1) against src[b0, b1), bytewise lexicographic (RFC 8949 §4.2.1). */
function compareSpans(a0: number, a1: number, b0: number, b1: number): number {
  const s = src;
  const n = Math.min(a1 - a0, b1 - b0);
  for (let i = 0; i < n; i++) {
    const d = s[a0 + i]! - s[b0 + i]!;
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a1 - a0 === b1 - b0 ? 0 : a1 - a0 < b1 - b0 ? -1 : 1;
}

function item(): CborValue {
  const h = src[pos++]!;
  const info = h & 0x1f;
  switch (h >> 5) {
    case 0: {
      const v = argument(info);
      if (v > MAX_SAFE) malformed("integer beyond 2^53");
      return v;
    }
    case 1: {
      const v = argument(info);
      if (v >= MAX_SAFE) malformed("integer beyond 2^53");
      return -1 - v;
    }
    case 2: {
      const n = argument(info);
      const b = new Uint8Array(src.buffer, src.byteOffset + pos, n);
      pos += n;
      return b;
    }
    case 3:
      return text(argument(info));
    case 4: {
      const n = argument(info);
      const a = new Array<CborValue>(n);
      for (let i = 0; i < n; i++) a[i] = item();
      return a;
    }
    case 5: {
      const n = argument(info);
      const m = new Map<number | string, CborValue>();
      let prevAt = -1;
      let prevEnd = -1;
      for (let i = 0; i < n; i++) {
        const at = pos;
        const k = item();
        // Text or an integer of at most 32 bits: cbor-x read a 64-bit integer as a BigInt, which the
        // data model never took as a key (its maps are keyed by small integers and names).
        if (typeof k === "number") {
          if (k > 0xffffffff || k < -TWO_32) malformed("map key type");
        } else if (typeof k !== "string") malformed("map key type");
        // Strictly rising encodings: sorted, and no key twice (§4.2.1; the bytes read are the encodings).
        if (prevAt >= 0 && compareSpans(prevAt, prevEnd, at, pos) >= 0) malformed("map keys out of deterministic order or repeated");
        prevAt = at;
        prevEnd = pos;
        m.set(k, item());
      }
      return m;
    }
    case 6: {
      const tag = argument(info); // the pre-scan let only the frame tags through
      return { tag, value: item() };
    }
    default:
      return info === 21; // the pre-scan let only false (20) and true (21) through
  }
}

/** The one item in `bytes`, which prescanCbor has passed; ProtocolError("malformed") if not deterministic. */
export function readCanonical(bytes: Uint8Array, label = "CBOR"): CborValue {
  src = bytes;
  pos = 0;
  what = label;
  try {
    const v = item();
    if (pos !== bytes.length) malformed(`${bytes.length - pos} trailing bytes`);
    return v;
  } finally {
    src = EMPTY;
  }
}
