/**
 * The deterministic CBOR of an ACK downlink payload, written directly: {0: v, 1: panel, 2: sent,
 * 3: [[seq, ref], ...]} (downlink.ts) with the shortest heads and the keys in order (RFC 8949 §4.2.1).
 * The centre writes one ACK per panel per group commit, nearly one per frame under load; a property test
 * holds these bytes equal to the general encoder's (encodeCanonical of the same map).
 */
import { headLength, writeHead } from "./cbor-head.js";
import { FRAME_REF_BYTES } from "./frame-ref.js";
import type { AckPayload } from "./schema.js";

/** CBOR major types (RFC 8949 §3.1). */
const UINT = 0;
const BSTR = 2;
const TEXT = 3;
const ARRAY = 4;

/** Writes an ACK payload that the caller has checked (ack-guard.ts `isAckPayload`: refs are 16 hex digits). */
export function writeAckPayload(p: AckPayload): Uint8Array {
  const panel = Buffer.from(p.panel, "utf8");
  const { seqs, refs } = p.ack;
  let length = 2 + headLength(p.v) + 1 + headLength(panel.length) + panel.length + 1 + headLength(p.sent) + 1 + headLength(seqs.length);
  for (const s of seqs) length += 1 + headLength(s) + 1 + FRAME_REF_BYTES;
  const out = new Uint8Array(length);
  let o = 0;
  out[o++] = 0xa4; // a map of 4, its keys 0..3 in order
  out[o++] = 0;
  o = writeHead(out, o, UINT, p.v);
  out[o++] = 1;
  o = writeHead(out, o, TEXT, panel.length);
  out.set(panel, o);
  o += panel.length;
  out[o++] = 2;
  o = writeHead(out, o, UINT, p.sent);
  out[o++] = 3;
  o = writeHead(out, o, ARRAY, seqs.length);
  for (let i = 0; i < seqs.length; i++) {
    out[o++] = 0x82; // [seq, ref]
    o = writeHead(out, o, UINT, seqs[i]!);
    o = writeHead(out, o, BSTR, FRAME_REF_BYTES);
    const ref = refs[i]!;
    for (let j = 0; j < 2 * FRAME_REF_BYTES; j += 2) out[o++] = parseInt(ref.slice(j, j + 2), 16);
  }
  return out;
}
