/**
 * The one shape of a valid frame, read by offsets: every frame this protocol signs is, in deterministic
 * CBOR (RFC 8949 §4.2.1, shortest heads),
 *   d2                      tag 18, COSE_Sign1 (RFC 9052 §4.2)
 *   84                      array of 4
 *   bstr .cbor { 1: -8, 4: kid }   a2 01 27 04 <bstr kid, 1..32 bytes of UTF-8> (RFC 9052 §3.1, RFC 9053 §2.2)
 *   a0                      unprotected: empty map
 *   bstr payload
 *   58 40 <64 bytes>        Ed25519 signature
 * and nothing after it. A frame in exactly that shape is what the generic parse (decode, re-encode,
 * compare; cose.ts parseSign1Generic) accepts, and this returns the same fields without building a CBOR
 * value; anything else gives `undefined`, and parseSign1 hands the frame to the generic parse, which
 * refuses it with its reason and code. A property test holds the two together (test/protocol).
 */
import { ENVELOPE_LIMITS } from "./cbor-prescan.js";
import type { ParsedSign1 } from "./cose.js";
import { utf8Span } from "./utf8-span.js";

/** As cose.ts (which imports this file, so they are not imported from it): a frame's bound, a kid's, an Ed25519 signature's. */
const MAX_FRAME_BYTES = ENVELOPE_LIMITS.maxBytes;
const MAX_KID_BYTES = 32;
const SIG_BYTES = 64;
/** tag 18, array of 4. */
const HEAD0 = 0xd2;
const HEAD1 = 0x84;
/** The protected header's map of 2, key 1 (alg), -8 (EdDSA), key 4 (kid). */
const PROT = [0xa2, 0x01, 0x27, 0x04] as const;
const EMPTY_MAP = 0xa0;

/** The same TextDecoder settings as the generic parse: fatal, and a leading BOM dropped. */
const utf8 = new TextDecoder("utf-8", { fatal: true });


/**
 * The length of the byte string whose head is at `p`, when the head is in its shortest form (RFC 8949
 * §4.2.1) and within `n`; else -1. Only the widths a frame can hold: up to 16-bit lengths.
 */
function bstrAt(f: Uint8Array, p: number, n: number): number {
  if (p >= n) return -1;
  const h = f[p]!;
  if (h >= 0x40 && h < 0x58) return h - 0x40;
  if (h === 0x58) return p + 1 < n && f[p + 1]! >= 24 ? f[p + 1]! : -1;
  if (h === 0x59) return p + 2 < n && f[p + 1]! !== 0 ? (f[p + 1]! << 8) | f[p + 2]! : -1;
  return -1;
}

/** Width of the head bstrAt read at `p` (1, 2 or 3 bytes). */
function headWidth(h: number): number {
  return h < 0x58 ? 1 : h === 0x58 ? 2 : 3;
}

/** The frame's fields when it is in the one valid shape; undefined for anything else. */
export function readSign1(f: Uint8Array): ParsedSign1 | undefined {
  const n = f.length;
  if (n > MAX_FRAME_BYTES || n < 2 || f[0] !== HEAD0 || f[1] !== HEAD1) return undefined;
  // protected
  let p = 2;
  const protLen = bstrAt(f, p, n);
  if (protLen < 0) return undefined;
  p += headWidth(f[p]!);
  const protAt = p;
  p += protLen;
  if (p > n || protLen < PROT.length + 2) return undefined;
  for (let i = 0; i < PROT.length; i++) if (f[protAt + i] !== PROT[i]) return undefined;
  const kidHead = protAt + PROT.length;
  const kidLen = bstrAt(f, kidHead, p);
  if (kidLen < 1 || kidLen > MAX_KID_BYTES) return undefined;
  const kidAt = kidHead + headWidth(f[kidHead]!);
  if (kidAt + kidLen !== p) return undefined;
  // unprotected
  if (p >= n || f[p++] !== EMPTY_MAP) return undefined;
  // payload
  const payloadLen = bstrAt(f, p, n);
  if (payloadLen < 0) return undefined;
  p += headWidth(f[p]!);
  const payloadAt = p;
  p += payloadLen;
  // signature: 58 40 and 64 bytes, the last bytes of the frame
  if (p + 2 + SIG_BYTES !== n || f[p] !== 0x58 || f[p + 1] !== SIG_BYTES) return undefined;
  const kid = utf8Span(f, kidAt, kidAt + kidLen, utf8);
  if (kid === undefined) return undefined;
  const b = f.buffer;
  const o = f.byteOffset;
  return {
    protectedBytes: new Uint8Array(b, o + protAt, protLen),
    kid,
    payload: new Uint8Array(b, o + payloadAt, payloadLen),
    signature: new Uint8Array(b, o + p + 2, SIG_BYTES),
  };
}
