/**
 * COSE_Sign1 (RFC 9052 §4.2) with EdDSA over Ed25519 (RFC 9053 §2.2, alg -8).
 *   COSE_Sign1 = #6.18([ protected: bstr .cbor {1: -8, 4: kid}, unprotected: {}, payload: bstr, signature: bstr ])
 *   signature = Ed25519(Sig_structure), Sig_structure = ["Signature1", protected, h'', payload] (§4.4)
 */
import { sign, verify, type KeyObject } from "node:crypto";
import { decodeCanonical, encodeCanonical, isCborArray, isCborMap, isCborTag, type CborValue } from "./cbor.js";
import { ENVELOPE_LIMITS, HEADER_LIMITS } from "./cbor-prescan.js";
import { headLength, writeHead } from "./cbor-head.js";
import { ProtocolError } from "./errors.js";
import { readSign1 } from "./sign1-reader.js";

export const COSE_SIGN1_TAG = 18;
export const ALG_EDDSA = -8;
/** Protected header labels: alg and kid (RFC 9052 §3.1). */
export const HDR_ALG = 1;
export const HDR_KID = 4;
/** A frame is at most 4 KiB. */
export const MAX_FRAME_BYTES = ENVELOPE_LIMITS.maxBytes;
export const MAX_KID_BYTES = 32;
export const ED25519_SIG_BYTES = 64;

export interface ParsedSign1 {
  readonly protectedBytes: Uint8Array;
  readonly kid: string;
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
}

/** CBOR major type 2, the byte string (RFC 8949 §3.1). */
const BSTR = 2;

/** Array of 4 (0x84), then "Signature1" as a text string (0x6a + 10 bytes): the fixed head of every Sig_structure. */
const SIG1_HEAD = Uint8Array.from([0x84, 0x6a, ...Buffer.from("Signature1", "ascii")]);

/**
 * The bytes that are signed: the deterministic encoding of Sig_structure (RFC 9052 §4.4),
 * ["Signature1", protected, h'' (no external AAD), payload], written directly (it is signed and
 * verified once per frame; the property tests hold it equal to encodeCanonical of the same array).
 */
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  return writeSigStructure(new Uint8Array(sigStructureLength(protectedBytes, payload)), protectedBytes, payload);
}

function sigStructureLength(protectedBytes: Uint8Array, payload: Uint8Array): number {
  return SIG1_HEAD.length + headLength(protectedBytes.length) + protectedBytes.length + 1 + headLength(payload.length) + payload.length;
}

/**
 * Where verifySign1 writes each Sig_structure: verify is synchronous, so one buffer serves every frame
 * (a frame's Sig_structure is at most its own size plus a few bytes of heads).
 */
const verifyScratch = new Uint8Array(MAX_FRAME_BYTES + 64);

/** The Sig_structure written at the start of `out`, which is long enough; the written part of `out`. */
function writeSigStructure(out: Uint8Array, protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  let o = 0;
  out.set(SIG1_HEAD, o);
  o = writeHead(out, SIG1_HEAD.length, BSTR, protectedBytes.length);
  out.set(protectedBytes, o);
  o += protectedBytes.length;
  out[o++] = 0x40; // h'': external_aad, empty
  o = writeHead(out, o, BSTR, payload.length);
  out.set(payload, o);
  o += payload.length;
  return o === out.length ? out : out.subarray(0, o);
}

export function kidBytes(kid: string): Uint8Array {
  const b = Buffer.from(kid, "utf8");
  if (b.length === 0 || b.length > MAX_KID_BYTES) throw new ProtocolError("malformed", `kid must be 1..${MAX_KID_BYTES} bytes`);
  return new Uint8Array(b);
}

/**
 * Protected headers by kid (and extra label): a signer has one kid and signs every frame with it (the
 * centre: every ACK). `extra` is one more label, the batched form's vds (cose-batch.ts).
 */
const protectedByKid = new Map<string, Uint8Array>();
const PROTECTED_CACHE_MAX = 64;

export function protectedHeader(kid: string, extra?: readonly [label: number, value: CborValue]): Uint8Array {
  const key = extra ? `${extra[0]}=${String(extra[1])} ${kid}` : kid;
  let p = protectedByKid.get(key);
  if (!p) {
    const m = new Map<number, CborValue>([[HDR_ALG, ALG_EDDSA], [HDR_KID, kidBytes(kid)]]);
    if (extra) m.set(extra[0], extra[1]);
    p = encodeCanonical(m);
    if (protectedByKid.size >= PROTECTED_CACHE_MAX) protectedByKid.clear();
    protectedByKid.set(key, p);
  }
  return p;
}

export function signSign1(payload: Uint8Array, key: KeyObject, kid: string): Uint8Array {
  // Read-only here: it is copied into the Sig_structure and the frame, never handed out.
  const protectedBytes = protectedHeader(kid);
  const signature = sign(null, sigStructure(protectedBytes, payload), key);
  const frame = encodeCanonical({ tag: COSE_SIGN1_TAG, value: [protectedBytes, new Map(), payload, new Uint8Array(signature)] });
  if (frame.length > MAX_FRAME_BYTES) throw new ProtocolError("oversize", `frame of ${frame.length} bytes exceeds ${MAX_FRAME_BYTES}`);
  return frame;
}

/**
 * Parse the envelope strictly, without checking the signature (the key depends on the kid). A frame in
 * the one valid shape is read by offsets (sign1-reader.ts); anything else goes through the generic
 * parse, which refuses it with its reason and code.
 */
export function parseSign1(frame: Uint8Array): ParsedSign1 {
  return readSign1(frame) ?? parseSign1Generic(frame);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The envelope through the generic canonical decoder: decode, check every field, refuse with the reason.
 * parseSign1's reference (a property test holds readSign1 to it) and its path for every frame not in
 * the one valid shape.
 */
export function parseSign1Generic(frame: Uint8Array): ParsedSign1 {
  if (frame.length > MAX_FRAME_BYTES) throw new ProtocolError("oversize", `frame of ${frame.length} bytes exceeds ${MAX_FRAME_BYTES}`);
  const top = decodeCanonical(frame, ENVELOPE_LIMITS, "COSE_Sign1");
  if (!isCborTag(top) || top.tag !== COSE_SIGN1_TAG) {
    throw new ProtocolError("malformed", "not a tagged COSE_Sign1");
  }
  const arr = top.value;
  if (!isCborArray(arr) || arr.length !== 4) throw new ProtocolError("malformed", "COSE_Sign1 must be a 4-element array");
  const [protectedBytes, unprotected, payload, signature] = arr;
  if (!(protectedBytes instanceof Uint8Array) || !(payload instanceof Uint8Array) || !(signature instanceof Uint8Array)) {
    throw new ProtocolError("malformed", "COSE_Sign1 fields have wrong types");
  }
  // We put nothing in the unprotected bucket; anything there would be unauthenticated (RFC 9052 §3).
  if (!isCborMap(unprotected) || unprotected.size !== 0) throw new ProtocolError("malformed", "unprotected header must be empty");
  if (signature.length !== ED25519_SIG_BYTES) throw new ProtocolError("malformed", "signature must be 64 bytes");
  const hdr = decodeCanonical(protectedBytes, HEADER_LIMITS, "protected header");
  if (!isCborMap(hdr) || hdr.size !== 2) throw new ProtocolError("malformed", "protected header must hold exactly alg and kid");
  const alg = hdr.get(HDR_ALG);
  const kid = hdr.get(HDR_KID);
  if (typeof alg !== "number") throw new ProtocolError("malformed", "protected header alg missing");
  if (alg !== ALG_EDDSA) throw new ProtocolError("unsupported-algorithm", `alg ${alg} is not EdDSA (-8)`);
  return { protectedBytes, kid: kidFromHeader(kid, (why) => new ProtocolError("malformed", why)), payload, signature };
}

/**
 * The kid label's value as text: 1..MAX_KID_BYTES bytes of UTF-8 (RFC 9052 §3.1), else the error
 * `malformed` makes of the reason. Both envelope forms read their kid through it (cose-batch.ts).
 */
export function kidFromHeader(kid: CborValue | undefined, malformed: (why: string) => ProtocolError): string {
  if (!(kid instanceof Uint8Array) || kid.length === 0 || kid.length > MAX_KID_BYTES) throw malformed("kid missing or too long");
  try {
    return utf8.decode(kid);
  } catch {
    throw malformed("kid is not UTF-8");
  }
}

export function verifySign1(parsed: ParsedSign1, key: KeyObject): void {
  let ok = false;
  try {
    const n = sigStructureLength(parsed.protectedBytes, parsed.payload);
    const data = n <= verifyScratch.length ? writeSigStructure(verifyScratch, parsed.protectedBytes, parsed.payload) : sigStructure(parsed.protectedBytes, parsed.payload);
    ok = verify(null, data, key, parsed.signature);
  } catch {
    ok = false;
  }
  if (!ok) throw new ProtocolError("bad-signature", `signature by kid ${JSON.stringify(parsed.kid)} does not verify`);
}
