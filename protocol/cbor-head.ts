/**
 * The deterministic (shortest) head of a CBOR data item, RFC 8949 §3.1 with §4.2.1: major type `major`
 * and argument `n`, a non-negative safe integer. For the writers that put fixed shapes on the wire
 * directly (the Sig_structure, the batched envelope, the ACK payload); property tests hold each of them
 * equal to the general encoder (cbor.ts encodeCanonical).
 */

/** Bytes of the head for argument `n`. */
export function headLength(n: number): number {
  return n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x100000000 ? 5 : 9;
}

/** Writes the head at out[o] (out long enough); returns the offset after it. */
export function writeHead(out: Uint8Array, o: number, major: number, n: number): number {
  const m = major << 5;
  if (n < 24) out[o++] = m | n;
  else if (n < 0x100) (out[o++] = m | 24), (out[o++] = n);
  else if (n < 0x10000) (out[o++] = m | 25), (out[o++] = n >>> 8), (out[o++] = n & 0xff);
  else if (n < 0x100000000) {
    out[o++] = m | 26;
    o = write32(out, o, n);
  } else {
    out[o++] = m | 27;
    o = write32(out, o, Math.floor(n / 0x100000000));
    o = write32(out, o, n >>> 0);
  }
  return o;
}

function write32(out: Uint8Array, o: number, n: number): number {
  out[o++] = n >>> 24;
  out[o++] = (n >>> 16) & 0xff;
  out[o++] = (n >>> 8) & 0xff;
  out[o++] = n & 0xff;
  return o;
}

/** The head as a byte array of its own. */
export function head(major: number, n: number): Uint8Array {
  const out = new Uint8Array(headLength(n));
  writeHead(out, 0, major, n);
  return out;
}
