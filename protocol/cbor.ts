/**
 * Deterministic CBOR (RFC 8949 §4.2.1) over cbor-x, restricted to the data model our frames use:
 * unsigned and negative integers, byte strings, text strings, arrays, maps, booleans and tag 18.
 *
 * cbor-x is fast but its defaults are not deterministic: integers above 2^32 become float64 and map
 * key order is insertion order. So `encodeCanonical` first normalises the value (large integers to
 * BigInt, which cbor-x writes as the shortest 64-bit integer; map keys sorted by their encoded
 * bytes). `decodeCanonical` pre-scans the bytes (cbor-prescan.ts), then reads them itself
 * (cbor-read.ts), refusing any non-shortest length, unsorted or duplicate key, float, indefinite
 * length or unknown tag: what decoding with cbor-x, re-encoding and comparing the bytes refused.
 */
import { Encoder, Tag } from "cbor-x";
import { readCanonical } from "./cbor-read.js";
import { DEFAULT_LIMITS, prescanCbor, type CborLimits } from "./cbor-prescan.js";
import { ProtocolError } from "./errors.js";

export type CborValue =
  | number
  | string
  | boolean
  | Uint8Array
  | readonly CborValue[]
  | CborMap
  | CborTag;
export type CborMap = ReadonlyMap<number | string, CborValue>;
export interface CborTag {
  readonly tag: number;
  readonly value: CborValue;
}

const encoder = new Encoder({
  useRecords: false,
  mapsAsObjects: false,
  variableMapSize: true, // shortest map header, not always 16-bit
  tagUint8Array: false, // a Uint8Array is a plain bstr, never tag 64
  pack: false,
  structuredClone: false,
  bundleStrings: false,
  useFloat32: 0,
});

type Normal = number | bigint | string | boolean | Uint8Array | Normal[] | Map<Normal, Normal> | Tag;

function normalise(v: CborValue): Normal {
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) throw new ProtocolError("malformed", `not a safe integer: ${v}`);
    return v > 0xffffffff || v < -0x100000000 ? BigInt(v) : v;
  }
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return (v as readonly CborValue[]).map(normalise);
  if (v instanceof Map) {
    const m = v as CborMap;
    if (unsignedKeys(m)) {
      // Unsigned integer keys encode shortest-first and big-endian, so their bytewise order (RFC 8949
      // §4.2.1) is their numeric order: every map of our frames, sorted without encoding each key.
      const keys = [...m.keys()] as number[];
      keys.sort((a, b) => a - b);
      return new Map(keys.map((k) => [normalise(k), normalise(m.get(k)!)]));
    }
    const entries = [...m.entries()].map(([k, val]) => [keyBytes(k), k, normalise(val)] as const);
    entries.sort((a, b) => Buffer.compare(a[0], b[0]));
    return new Map(entries.map(([, k, val]) => [normalise(k), val]));
  }
  const t = v as CborTag;
  if (typeof t.tag === "number" && "value" in t) return new Tag(normalise(t.value), t.tag);
  throw new ProtocolError("malformed", "value outside the frame data model");
}

function unsignedKeys(m: CborMap): boolean {
  for (const k of m.keys()) if (typeof k !== "number" || !Number.isSafeInteger(k) || k < 0) return false;
  return true;
}

function keyBytes(k: number | string): Buffer {
  return Buffer.from(encoder.encode(normalise(k)));
}

/** Encode a value deterministically (RFC 8949 §4.2.1 core deterministic encoding). */
export function encodeCanonical(value: CborValue): Uint8Array {
  const out = encoder.encode(normalise(value));
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * Decode exactly one deterministic CBOR item. Throws ProtocolError("malformed") for anything else,
 * including trailing bytes and any encoding that is valid CBOR but not the canonical one, and
 * "too-complex" when it nests deeper or holds more items than `limits` allow. The bytes are pre-scanned
 * (cbor-prescan.ts) before they are read (cbor-read.ts), so a hostile item costs no more than a scan of
 * its heads.
 */
export function decodeCanonical(bytes: Uint8Array, limits: CborLimits = DEFAULT_LIMITS, what = "CBOR"): CborValue {
  prescanCbor(bytes, limits, what);
  return readCanonical(bytes, what);
}

export function isCborMap(v: CborValue | undefined): v is CborMap {
  return v instanceof Map;
}

export function isCborTag(v: CborValue | undefined): v is CborTag {
  return typeof v === "object" && v !== null && !(v instanceof Uint8Array) && !(v instanceof Map) && !Array.isArray(v);
}

export function isCborArray(v: CborValue | undefined): v is readonly CborValue[] {
  return Array.isArray(v);
}
