/**
 * Mutations of valid signed frames for fuzzing: bit flips, byte overwrites, truncation, extension,
 * deletion and insertion, splicing two frames, swapping the payload of one frame into another's
 * envelope, and changes to the length/argument fields of the CBOR heads (RFC 8949 §3), including the
 * heads inside the protected header and payload byte strings.
 */
import fc from "fast-check";
import { concat, head } from "./cbor-fuzz-arbitraries.js";

/** Offset, head length and argument of each item head in b[from, to), not descending into strings. */
export function heads(b: Uint8Array, from = 0, to = b.length): { at: number; len: number; arg: number }[] {
  const out: { at: number; len: number; arg: number }[] = [];
  let pos = from;
  const pending = [1];
  while (pending.length > 0 && pos < to) {
    if (pending[pending.length - 1] === 0) {
      pending.pop();
      continue;
    }
    pending[pending.length - 1]! -= 1;
    const at = pos;
    const h = b[pos++]!;
    const major = h >> 5;
    const info = h & 0x1f;
    let arg = info;
    if (info > 27) return out;
    if (info >= 24) {
      const len = 1 << (info - 24);
      arg = 0;
      for (let i = 0; i < len; i++) arg = arg * 256 + (b[pos + i] ?? 0);
      pos += len;
    }
    out.push({ at, len: pos - at, arg });
    if (major === 2 || major === 3) pos += arg;
    else if (major === 4 || major === 5) pending.push(major === 4 ? arg : 2 * arg);
    else if (major === 6) pending.push(1);
  }
  return out;
}

/**
 * The heads of a signed frame #6.18([protected, {}, payload, signature]): the envelope's six, then
 * those inside the protected header and the payload byte strings (bstr .cbor, RFC 9052 §4.2).
 */
export function frameHeads(f: Uint8Array): { at: number; len: number; arg: number }[] {
  const env = heads(f);
  if (env.length !== 6) return env;
  const inside = (h: { at: number; len: number; arg: number }) => heads(f, h.at + h.len, h.at + h.len + h.arg);
  return [...env, ...inside(env[2]!), ...inside(env[4]!)];
}

export function headOffsets(f: Uint8Array): number[] {
  return frameHeads(f).map((h) => h.at);
}

/** Replace the head at `at` by one with the same major type and argument `arg` in form `wide`. */
function rewriteHead(b: Uint8Array, at: number, arg: (old: number) => number, wide: number): Uint8Array {
  const h = b[at]!;
  const info = h & 0x1f;
  const len = info < 24 ? 0 : info <= 27 ? 1 << (info - 24) : 0;
  let old = info < 24 ? info : 0;
  for (let i = 0; i < len; i++) old = old * 256 + (b[at + 1 + i] ?? 0);
  const next = Math.max(0, arg(old));
  return concat([b.subarray(0, at), head(h >> 5, next, wide), b.subarray(at + 1 + len)]);
}

export type Mutation = (frame: Uint8Array, other: Uint8Array) => Uint8Array;

const pos = fc.nat();
export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.array(fc.tuple(pos, fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }).map((flips): Mutation => (f) => {
    const b = Uint8Array.from(f);
    for (const [p, bit] of flips) b[p % b.length]! ^= 1 << bit;
    return b;
  }),
  fc.tuple(pos, fc.integer({ min: 0, max: 255 })).map(([p, v]): Mutation => (f) => {
    const b = Uint8Array.from(f);
    b[p % b.length] = v;
    return b;
  }),
  pos.map((p): Mutation => (f) => f.slice(0, p % f.length)),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((tail): Mutation => (f) => concat([f, tail])),
  fc.tuple(pos, fc.integer({ min: 1, max: 16 })).map(([p, n]): Mutation => (f) => concat([f.subarray(0, p % f.length), f.subarray((p % f.length) + n)])),
  fc.tuple(pos, fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([p, ins]): Mutation => (f) => concat([f.subarray(0, p % f.length), ins, f.subarray(p % f.length)])),
  fc.tuple(pos, pos).map(([p, q]): Mutation => (f, o) => concat([f.subarray(0, p % f.length), o.subarray(q % o.length)])),
  // the other frame's payload bstr in this frame's envelope (same kid, wrong signature)
  fc.constant((f: Uint8Array, o: Uint8Array): Uint8Array => {
    const [hf, ho] = [heads(f), heads(o)];
    if (hf.length !== 6 || ho.length !== 6) return f;
    return concat([f.subarray(0, hf[4]!.at), o.subarray(ho[4]!.at, ho[5]!.at), f.subarray(hf[5]!.at)]);
  }),
  // length and argument fields: off by one either way, anything, or a longer (non-shortest) form
  fc.tuple(pos, fc.oneof(fc.constant(1), fc.constant(-1), fc.integer({ min: -1000, max: 1000 }), fc.constant(2 ** 32)), fc.integer({ min: 0, max: 3 })).map(
    ([p, delta, wide]): Mutation => (f) => {
      const hs = headOffsets(f);
      return rewriteHead(f, hs[p % hs.length]!, (old) => (delta === 2 ** 32 ? delta : old + delta), wide);
    },
  ),
  fc.tuple(pos, fc.integer({ min: 1, max: 3 })).map(([p, wide]): Mutation => (f) => {
    const hs = headOffsets(f);
    return rewriteHead(f, hs[p % hs.length]!, (old) => old, wide);
  }),
);
