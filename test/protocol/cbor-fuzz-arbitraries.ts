/**
 * Structure-aware fast-check generators of CBOR bytes (RFC 8949 §3) for fuzzing the decoder: every
 * major type, shortest and non-shortest heads, indefinite lengths and stray breaks, floats and simple
 * values, known and unknown tags, and pathological nesting. Also a generator of values inside the frame
 * data model, for round trips through encodeCanonical/decodeCanonical.
 */
import fc from "fast-check";
import type { CborValue } from "../../protocol/index.js";

/** A head with `arg` in the shortest form, or (when `wide`) in a longer form than needed. */
export function head(major: number, arg: number | bigint, wide = 0): Uint8Array {
  const a = BigInt(arg);
  const minimal = a < 24n ? 0 : a < 0x100n ? 1 : a < 0x10000n ? 2 : a < 0x100000000n ? 3 : 4;
  const form = Math.min(4, minimal + wide);
  if (form === 0) return Uint8Array.of((major << 5) | Number(a));
  const len = 1 << (form - 1);
  const out = new Uint8Array(1 + len);
  out[0] = (major << 5) | (23 + form);
  let v = a;
  for (let i = len; i >= 1; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Mostly shortest heads, sometimes a longer form (refused as non-deterministic). */
const wide = fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) });
const argument = fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 0xffff }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }));

const scalar: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.tuple(fc.constantFrom(0, 1), argument, wide).map(([m, a, w]) => head(m, a, w)),
  fc.tuple(fc.constantFrom(2, 3), fc.uint8Array({ maxLength: 40 }), wide).map(([m, b, w]) => concat([head(m, b.length, w), b])),
  // A string that claims more (or fewer) bytes than follow it.
  fc.tuple(fc.constantFrom(2, 3), fc.uint8Array({ maxLength: 8 }), argument).map(([m, b, a]) => concat([head(m, a), b])),
  fc.constantFrom(0xf4, 0xf5, 0xf6, 0xf7, 0xff).map((b) => Uint8Array.of(b)), // false, true, null, undefined, break
  fc.tuple(fc.constantFrom(0xf8, 0xf9, 0xfa, 0xfb), fc.uint8Array({ minLength: 8, maxLength: 8 })).map(([h, b]) => concat([Uint8Array.of(h), b.subarray(0, h === 0xf8 ? 1 : 1 << (h - 0xf8))])),
  fc.integer({ min: 0xfc, max: 0xfe }).map((b) => Uint8Array.of(b)), // reserved
  fc.tuple(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 28, max: 30 })).map(([m, info]) => Uint8Array.of((m << 5) | info)),
);

/** Arbitrary CBOR items, possibly invalid, up to a small depth (fast-check's depth bias keeps them small). */
export const cborItem: fc.Arbitrary<Uint8Array> = fc.letrec<{ item: Uint8Array }>((tie) => ({
  item: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.tuple(fc.array(tie("item"), { maxLength: 6 }), wide).map(([xs, w]) => concat([head(4, xs.length, w), ...xs])),
    fc.tuple(fc.array(fc.tuple(tie("item"), tie("item")), { maxLength: 4 }), wide).map(([kv, w]) => concat([head(5, kv.length, w), ...kv.flat()])),
    fc.tuple(fc.constantFrom(18, 18, 0, 1, 2, 24, 64, 55799), tie("item")).map(([t, x]) => concat([head(6, t), x])),
    // indefinite array, map and strings (RFC 8949 §3.2), with or without their break
    fc.tuple(fc.constantFrom(0x9f, 0xbf, 0x5f, 0x7f), fc.array(tie("item"), { maxLength: 4 }), fc.boolean()).map(([h, xs, brk]) => concat([Uint8Array.of(h), ...xs, brk ? Uint8Array.of(0xff) : new Uint8Array(0)])),
    // an array whose count disagrees with its content
    fc.tuple(argument, fc.array(tie("item"), { maxLength: 3 })).map(([n, xs]) => concat([head(4, n), ...xs])),
  ),
})).item;

/** Pathological nesting: thousands of arrays, maps, tags or open containers around one item. */
export const deepItem: fc.Arbitrary<Uint8Array> = fc
  .tuple(fc.constantFrom([0x81], [0xa1, 0x00], [0xd2], [0x9f], [0xbf, 0x00], [0x82, 0x00]), fc.integer({ min: 1, max: 5000 }), fc.boolean())
  .map(([unit, n, closed]) => {
    const out = new Uint8Array(unit.length * n + 1);
    for (let i = 0; i < n; i++) out.set(unit, i * unit.length);
    out[out.length - 1] = closed ? 0x00 : 0x81; // closed: a valid innermost item; else truncated
    return out;
  });

/** Values inside the frame data model (what encodeCanonical takes), some deeper or larger than the limits. */
export const cborValue: fc.Arbitrary<CborValue> = fc.letrec<{ v: CborValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: "medium", withCrossShrink: true },
    fc.maxSafeInteger(),
    fc.integer({ min: -30, max: 30 }),
    fc.string({ maxLength: 20 }),
    fc.boolean(),
    fc.uint8Array({ maxLength: 20 }),
    fc.array(tie("v"), { maxLength: 8 }),
    fc.array(fc.tuple(fc.oneof(fc.integer({ min: -30, max: 300 }), fc.string({ maxLength: 6 })), tie("v")), { maxLength: 6 }).map((kv) => new Map(kv)),
    tie("v").map((value) => ({ tag: 18, value })),
  ),
})).v;
