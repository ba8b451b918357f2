/**
 * decodeCanonical reads deterministic CBOR itself (protocol/cbor-read.ts) instead of decoding with cbor-x,
 * re-encoding and comparing the bytes (RFC 8949 §4.2.1). Held to that reference (cbor-x-reference.ts):
 * for structure-aware random items (every major type, shortest and longer heads, unsorted and repeated
 * keys, floats, tags, indefinite lengths), random text strings, values of the data model, and
 * mutations of valid payloads, both give the same verdict, the same code and equal values.
 */
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeCanonical, encodeCanonical, encodeUplinkPayload, type CborValue } from "../../protocol/index.js";
import { arbitraryPayloads } from "./cbor-read-arbitraries.js";
import { cborItem, cborValue, concat, head } from "./cbor-fuzz-arbitraries.js";
import { decodeCanonicalViaCborX } from "./cbor-x-reference.js";
import { mutation } from "./frame-mutations.js";
import { verdict, type Verdict } from "./verdict.js";

function agree(b: Uint8Array): Verdict<CborValue> {
  const ours = verdict(() => decodeCanonical(b));
  const ref = verdict(() => decodeCanonicalViaCborX(b));
  if (ours.ok !== ref.ok || (!ours.ok && !ref.ok && ours.code !== ref.code) || (ours.ok && ref.ok && !isDeepStrictEqual(ours.value, ref.value))) {
    expect({ bytes: Buffer.from(b).toString("hex"), ours }).toEqual({ bytes: Buffer.from(b).toString("hex"), ours: ref });
  }
  return ours;
}

describe("decodeCanonical agrees with decode-re-encode-compare through cbor-x (RFC 8949 §4.2.1)", () => {
  it("structure-aware random items, valid and not", () => {
    fc.assert(fc.property(cborItem, (b) => void agree(b)), { numRuns: 20_000 });
  });

  it("values of the data model, and each with one byte changed or cut", () => {
    fc.assert(
      fc.property(cborValue, fc.nat(), fc.integer({ min: 0, max: 255 }), (v, at, byte) => {
        const b = encodeCanonical(v);
        agree(b);
        const changed = Uint8Array.from(b);
        changed[at % b.length] = byte;
        agree(changed);
        agree(b.subarray(0, at % b.length));
      }),
      { numRuns: 5_000 },
    );
  });

  it("uplink payloads and their mutations", () => {
    fc.assert(fc.property(arbitraryPayloads, arbitraryPayloads, mutation, (p, q, m) => void (agree(p), agree(m(p, q)))), { numRuns: 5_000 });
  });

  it("text strings of random bytes, short and long, alone and in a map (UTF-8, RFC 8949 §3.1)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.integer({ min: 0, max: 200 }), (t, pad) => {
        const s = concat([head(3, t.length), t]);
        agree(s);
        agree(concat([Uint8Array.of(0xa2, 0x00), s, Uint8Array.of(0x01), head(2, pad), new Uint8Array(pad)]));
      }),
      { numRuns: 5_000 },
    );
  });

  it("integers at the edges of the heads and of 2^53, shortest and not", () => {
    const edges = [0, 23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 2, 2 ** 53 - 1, 2 ** 53, 2 ** 64 - 1];
    for (const major of [0, 1]) for (const n of edges) for (const wide of [0, 1, 2, 3]) agree(head(major, BigInt(n), wide));
    expect(decodeCanonical(head(0, 2 ** 53 - 1))).toBe(Number.MAX_SAFE_INTEGER);
    expect(decodeCanonical(head(1, 2 ** 53 - 2))).toBe(Number.MIN_SAFE_INTEGER);
    expect(() => decodeCanonical(head(1, 2 ** 53 - 1))).toThrow(/malformed/);
    expect(() => decodeCanonical(head(0, 24, 1))).toThrow(/malformed/);
  });

  it("map keys: sorted and single accepted; unsorted or repeated refused", () => {
    expect(decodeCanonical(Uint8Array.of(0xa2, 0x01, 0x00, 0x61, 0x61, 0x00))).toEqual(new Map<number | string, CborValue>([[1, 0], ["a", 0]]));
    for (const b of [Uint8Array.of(0xa2, 0x61, 0x61, 0x00, 0x01, 0x00), Uint8Array.of(0xa2, 0x01, 0x00, 0x01, 0x00), Uint8Array.of(0xa1, 0x40, 0x00), Uint8Array.of(0xa1, 0xf5, 0x00)]) {
      expect(agree(b)).toEqual({ ok: false, code: "malformed" });
    }
  });

  it("integer map keys: 32-bit ones accepted, 64-bit ones refused (as cbor-x's BigInt keys were)", () => {
    const key = (h: Uint8Array) => concat([Uint8Array.of(0xa1), h, Uint8Array.of(0x00)]);
    expect(agree(key(head(0, 2 ** 32 - 1)))).toEqual({ ok: true, value: new Map([[2 ** 32 - 1, 0]]) });
    expect(agree(key(head(1, 2 ** 32 - 1)))).toEqual({ ok: true, value: new Map([[-(2 ** 32), 0]]) });
    expect(agree(key(head(0, 2 ** 32)))).toEqual({ ok: false, code: "malformed" });
    expect(agree(key(head(1, 2 ** 32)))).toEqual({ ok: false, code: "malformed" });
  });

  it("a byte string is a view over the bytes read, not a copy", () => {
    const b = encodeUplinkPayload({ v: 1, panel: "p1", seq: 1, sent: 2, result: { id: "c", ok: true } });
    const wrapped = concat([head(2, b.length), b]);
    const v = decodeCanonical(wrapped) as Uint8Array;
    expect(v.buffer).toBe(wrapped.buffer);
    expect([...v]).toEqual([...b]);
  });
});
