/**
 * Deterministic map key order (RFC 8949 §4.2.1): keys sorted by the bytes of their own encoding. The
 * encoder sorts unsigned integer keys numerically (the same order, without encoding each key); any map,
 * of unsigned, negative, text or mixed keys, must come out as the independent writer sorts it, on both
 * sides of each head-length boundary (23/24, 255/256, 65,535/65,536, 2^32 - 1/2^32).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCanonical, encodeCanonical, type CborValue } from "../../protocol/cbor.js";
import { head, write, type Mini } from "./mini-cbor.js";

const BOUNDS = [0, 1, 23, 24, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER];
const key = fc.oneof(fc.constantFrom(...BOUNDS), fc.nat(), fc.integer({ min: -70_000, max: -1 }), fc.constantFrom(...BOUNDS.slice(0, -1).map((b) => -1 - b)), fc.string({ maxLength: 3 }));

function reference(entries: [number | string, number][]): Buffer {
  const sorted = entries.map(([k, v]) => [write(k as Mini), write(v)] as const).sort((a, b) => Buffer.compare(a[0], b[0]));
  return Buffer.concat([head(5, sorted.length), ...sorted.flat()]);
}

describe("canonical map key order", () => {
  it("unsigned, negative, text and mixed keys come out in the order of their encoded bytes (property)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(key, fc.nat(30)), { maxLength: 30, selector: ([k]) => (typeof k === "number" ? `n${k}` : `s${k}`) }), (entries) => {
        const m = new Map<number | string, CborValue>(entries);
        const got = Buffer.from(encodeCanonical(m));
        expect(got.equals(reference(entries))).toBe(true);
        // The decoder takes map keys up to 32 bits (larger ones are refused, and none is in a frame).
        if (entries.every(([k]) => typeof k === "string" || (k >= -(2 ** 32) && k < 2 ** 32))) expect(decodeCanonical(got)).toEqual(m);
      }),
      { numRuns: 2_000 },
    );
  });

  it("a map whose unsigned keys arrive out of order on the wire is refused", () => {
    // {24: 0, 23: 0}: valid CBOR, not the deterministic encoding (23 encodes as 0x17, before 0x18 0x18).
    expect(() => decodeCanonical(Uint8Array.from([0xa2, 0x18, 0x18, 0x00, 0x17, 0x00]))).toThrow(/deterministic/);
    expect(decodeCanonical(Uint8Array.from([0xa2, 0x17, 0x00, 0x18, 0x18, 0x00]))).toEqual(new Map([[23, 0], [24, 0]]));
  });
});
