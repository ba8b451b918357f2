/**
 * Text from a span of bytes on the per-frame path (cbor-read.ts text strings, sign1-reader.ts kids):
 * ASCII, nearly every string a frame carries, is read byte by byte; anything else goes through the
 * caller's fatal UTF-8 TextDecoder, whose settings (a leading BOM kept or dropped) stay the caller's.
 */

/** b[from, to) as text, or undefined when `decoder` (fatal) refuses it as not UTF-8. */
export function utf8Span(b: Uint8Array, from: number, to: number, decoder: TextDecoder): string | undefined {
  let s = "";
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    if (c >= 0x80) {
      try {
        return decoder.decode(b.subarray(from, to));
      } catch {
        return undefined;
      }
    }
    s += String.fromCharCode(c);
  }
  return s;
}
