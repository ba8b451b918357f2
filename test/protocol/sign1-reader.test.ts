/**
 * The COSE_Sign1 envelope read by offsets (protocol/sign1-reader.ts) against the generic parse
 * (cose.ts parseSign1Generic: canonical decode, re-encode, field checks): for random frames in and
 * around the valid shape (RFC 9052 §4.2, deterministic CBOR RFC 8949 §4.2.1), and for one-byte,
 * one-field and truncating mutations of them, the fast reader gives fields exactly when the generic
 * parse accepts, the same fields, and parseSign1 refuses exactly what the generic parse refuses, with
 * the same code.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSign1, parseSign1Generic, type ParsedSign1 } from "../../protocol/cose.js";
import { readSign1 } from "../../protocol/sign1-reader.js";
import { cborItem, concat, head } from "./cbor-fuzz-arbitraries.js";
import { mutation } from "./frame-mutations.js";
import { verdict } from "./verdict.js";

const bstr = (b: Uint8Array, wide = 0) => concat([head(2, b.length, wide), b]);
const int = (n: number) => (n >= 0 ? head(0, n) : head(1, -1 - n));

/** The ingredients of an envelope, mostly valid, each sometimes not. */
const parts = fc.record({
  kid: fc.oneof(
    { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/).map((s) => new Uint8Array(Buffer.from(s))) },
    { weight: 2, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 10 }).map((s) => new Uint8Array(Buffer.from(s))) },
    { weight: 1, arbitrary: fc.constantFrom(Uint8Array.of(0xef, 0xbb, 0xbf, 0x41), Uint8Array.of(0xef, 0xbb, 0xbf), Uint8Array.of(0xc3, 0x28), Uint8Array.of(0xed, 0xa0, 0x80)) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 0, maxLength: 40 }) },
  ),
  alg: fc.oneof({ weight: 6, arbitrary: fc.constant(-8) }, { weight: 1, arbitrary: fc.integer({ min: -300, max: 300 }) }),
  payload: fc.oneof({ weight: 6, arbitrary: fc.uint8Array({ maxLength: 300 }) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 3800, maxLength: 4100 }) }),
  sigLen: fc.oneof({ weight: 8, arbitrary: fc.constant(64) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 70 }) }),
  unprotected: fc.oneof({ weight: 8, arbitrary: fc.constant(Uint8Array.of(0xa0)) }, { weight: 1, arbitrary: cborItem }),
  wide: fc.oneof({ weight: 8, arbitrary: fc.constant([0, 0, 0, 0]) }, { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }) }),
});

type Parts = typeof parts extends fc.Arbitrary<infer T> ? T : never;

function frameOf(p: Parts): Uint8Array {
  const prot = concat([Uint8Array.of(0xa2), int(1), int(p.alg), int(4), bstr(p.kid, p.wide[0])]);
  return concat([Uint8Array.of(0xd2, 0x84), bstr(prot, p.wide[1]), p.unprotected, bstr(p.payload, p.wide[2]), bstr(new Uint8Array(p.sigLen).fill(0x5a), p.wide[3])]);
}

const frames = parts.map(frameOf);


const plain = (p: ParsedSign1) => ({ ...p, protectedBytes: [...p.protectedBytes], payload: [...p.payload], signature: [...p.signature] });

/** The property: same verdict, same code, same fields, and the fast reader covers every accepted frame. */
function agree(b: Uint8Array): void {
  const generic = verdict(() => parseSign1Generic(b));
  const fast = readSign1(b);
  const full = verdict(() => parseSign1(b));
  if (generic.ok) {
    expect(fast, "a frame the generic parse accepts is in the one valid shape").toBeDefined();
    expect(plain(fast!)).toEqual(plain(generic.value));
    expect(full.ok && plain(full.value)).toEqual(plain(generic.value));
  } else {
    expect(fast, `a frame the generic parse refuses (${generic.code}) is not read`).toBeUndefined();
    expect(full).toEqual(generic);
  }
}

describe("COSE_Sign1 read by offsets agrees with the generic parse (RFC 9052 §4.2, RFC 8949 §4.2.1)", () => {
  it("a frame in the valid shape is read, its fields views over the frame", () => {
    const payload = Uint8Array.of(0xa0);
    const f = frameOf({ kid: new Uint8Array(Buffer.from("panel-1")), alg: -8, payload, sigLen: 64, unprotected: Uint8Array.of(0xa0), wide: [0, 0, 0, 0] });
    const r = readSign1(f)!;
    expect(r.kid).toBe("panel-1");
    expect([...r.payload]).toEqual([0xa0]);
    expect(r.signature.buffer).toBe(f.buffer);
    expect(r.signature.length).toBe(64);
    agree(f);
  });

  it("kid lengths on both sides of the limits: 1 and 32 bytes read, 0 and 33 refused as malformed", () => {
    const at = (n: number) => frameOf({ kid: new Uint8Array(n).fill(0x6b), alg: -8, payload: new Uint8Array(0), sigLen: 64, unprotected: Uint8Array.of(0xa0), wide: [0, 0, 0, 0] });
    for (const n of [1, 23, 24, 32]) expect(readSign1(at(n))?.kid).toBe("k".repeat(n));
    for (const n of [0, 33]) {
      expect(readSign1(at(n))).toBeUndefined();
      expect(verdict(() => parseSign1(at(n)))).toEqual({ ok: false, code: "malformed" });
    }
  });

  it("payload head widths at their boundaries (23/24 and 255/256 bytes) are read", () => {
    for (const n of [0, 23, 24, 255, 256, 3000]) {
      const f = frameOf({ kid: Uint8Array.of(0x6b), alg: -8, payload: new Uint8Array(n).fill(1), sigLen: 64, unprotected: Uint8Array.of(0xa0), wide: [0, 0, 0, 0] });
      expect(readSign1(f)?.payload.length).toBe(n);
      agree(f);
    }
  });

  it("another algorithm is refused as unsupported-algorithm, as by the generic parse", () => {
    const f = frameOf({ kid: Uint8Array.of(0x6b), alg: -7, payload: new Uint8Array(0), sigLen: 64, unprotected: Uint8Array.of(0xa0), wide: [0, 0, 0, 0] });
    expect(readSign1(f)).toBeUndefined();
    expect(verdict(() => parseSign1(f))).toEqual({ ok: false, code: "unsupported-algorithm" });
  });

  it("random frames in and around the valid shape", () => {
    fc.assert(fc.property(frames, agree), { numRuns: 3000 });
  });

  it("one-byte, one-field and truncating mutations of them", () => {
    fc.assert(fc.property(frames, frames, mutation, (f, other, m) => agree(m(f, other))), { numRuns: 6000 });
  });

  it("every truncation of a valid frame", () => {
    const f = frameOf({ kid: new Uint8Array(Buffer.from("panel-0001")), alg: -8, payload: new Uint8Array(40).fill(3), sigLen: 64, unprotected: Uint8Array.of(0xa0), wide: [0, 0, 0, 0] });
    for (let n = 0; n <= f.length; n++) agree(f.subarray(0, n));
  });
});
