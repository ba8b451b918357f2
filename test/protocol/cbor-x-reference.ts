/**
 * The canonical decoder as it was before protocol/cbor-read.ts: the pre-scan, then cbor-x, then the
 * value re-encoded with encodeCanonical and compared with the bytes (RFC 8949 §4.2.1). Kept as the
 * reference that the property tests hold decodeCanonical to.
 */
import { Decoder, Tag } from "cbor-x";
import { FRAME_TAGS, ProtocolError, encodeCanonical, prescanCbor, type CborLimits, type CborValue } from "../../protocol/index.js";
import { DEFAULT_LIMITS } from "../../protocol/cbor-prescan.js";

const decoder = new Decoder({ useRecords: false, mapsAsObjects: false, structuredClone: false, bundleStrings: false });

function fromDecoded(v: unknown): CborValue {
  if (typeof v === "number") {
    if (!Number.isSafeInteger(v)) throw new ProtocolError("malformed", "floating-point value");
    return v;
  }
  if (typeof v === "bigint") {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new ProtocolError("malformed", "integer beyond 2^53");
    return Number(v);
  }
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (v instanceof Uint8Array) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (Array.isArray(v)) return v.map(fromDecoded);
  if (v instanceof Map) {
    const m = new Map<number | string, CborValue>();
    for (const [k, val] of v) {
      if (typeof k !== "number" && typeof k !== "string") throw new ProtocolError("malformed", "map key type");
      if (typeof k === "number" && !Number.isSafeInteger(k)) throw new ProtocolError("malformed", "map key type");
      m.set(k, fromDecoded(val));
    }
    return m;
  }
  if (v instanceof Tag) {
    if (!FRAME_TAGS.has(v.tag)) throw new ProtocolError("malformed", `unknown tag ${v.tag}`);
    return { tag: v.tag, value: fromDecoded(v.value) };
  }
  throw new ProtocolError("malformed", "value outside the frame data model");
}

export function decodeCanonicalViaCborX(bytes: Uint8Array, limits: CborLimits = DEFAULT_LIMITS, what = "CBOR"): CborValue {
  prescanCbor(bytes, limits, what);
  let raw: unknown;
  try {
    raw = decoder.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new ProtocolError("malformed", `CBOR: ${(e as Error).message}`);
  }
  let value: CborValue;
  try {
    value = fromDecoded(raw);
  } catch (e) {
    if (e instanceof ProtocolError) throw e;
    throw new ProtocolError("malformed", `CBOR: ${(e as Error).message}`);
  }
  const again = encodeCanonical(value);
  if (Buffer.compare(Buffer.from(again), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) !== 0) {
    throw new ProtocolError("malformed", "CBOR is not in deterministic encoding");
  }
  return value;
}
