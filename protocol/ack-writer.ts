/**
 * The deterministic CBOR of an ACK downlink payload, written directly: {0: v, 1: panel, 2: sent,
 * 3: [[seq, ref], ...]} (downlink.ts) with the shortest heads and the keys in order (RFC 8949 §4.2.1).
 * The centre writes one ACK per panel per group commit, nearly one per frame under load; a property test
 * holds these bytes equal to the general encoder's (encodeCanonical of the same map).
 */
import type { DownlinkPayload } from "./schema.js";

type AckPayload = Extract<DownlinkPayload, { ack: unknown }>;

/** A head of major type `major` for the unsigned value `n` (a safe integer), shortest form. */
function head(out: number[], major: number, n: number): void {
  const m = major << 5;
  if (n < 24) out.push(m | n);
  else if (n < 0x100) out.push(m | 24, n);
  else if (n < 0x10000) out.push(m | 25, n >>> 8, n & 0xff);
  else if (n < 0x100000000) out.push(m | 26, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  else {
    const hi = Math.floor(n / 0x100000000);
    const lo = n >>> 0;
    out.push(m | 27, hi >>> 24, (hi >>> 16) & 0xff, (hi >>> 8) & 0xff, hi & 0xff, lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff);
  }
}

const HEX = "0123456789abcdef";

/** Writes an ACK payload that the caller has checked (ack-guard.ts `isAckPayload`). */
export function writeAckPayload(p: AckPayload): Uint8Array {
  const out: number[] = [0xa4, 0x00];
  head(out, 0, p.v);
  out.push(0x01);
  const panel = Buffer.from(p.panel, "utf8");
  head(out, 3, panel.length);
  for (const b of panel) out.push(b);
  out.push(0x02);
  head(out, 0, p.sent);
  out.push(0x03);
  const { seqs, refs } = p.ack;
  head(out, 4, seqs.length);
  for (let i = 0; i < seqs.length; i++) {
    out.push(0x82);
    head(out, 0, seqs[i]!);
    const ref = refs[i]!;
    head(out, 2, ref.length >>> 1);
    for (let j = 0; j < ref.length; j += 2) out.push((HEX.indexOf(ref[j]!) << 4) | HEX.indexOf(ref[j + 1]!));
  }
  return Uint8Array.from(out);
}
