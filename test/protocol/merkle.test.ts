/**
 * protocol/merkle.ts against RFC 9162 §2.1, written out again here the way the RFC states it (recursive
 * MTH and PATH, createHash), so the one-pass builder and the §2.1.3.2 verifier are checked against the
 * definitions rather than against themselves.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { HASH_BYTES, leafHash, merkleTree, proofLength, rootFromProof } from "../../protocol/merkle.js";
import { codeOf } from "./code-of.js";

const sha = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
/** The largest power of two smaller than n (n > 1): RFC 9162 §2.1.1's k. */
const split = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};
/**
 * RFC 9162 §2.1.1 MTH(D[lo:hi]) and §2.1.3.1 PATH(m, D[lo:hi]), recursive as the RFC writes them; the
 * subtree hashes are memoised per tree (a range of the same entries), which changes nothing of the result.
 */
function reference(d: readonly Uint8Array[]) {
  const memo = new Map<string, Uint8Array>();
  const mth = (lo: number, hi: number): Uint8Array => {
    const key = `${lo}:${hi}`;
    let h = memo.get(key);
    if (!h) {
      const k = split(hi - lo);
      h = hi - lo === 1 ? sha(Uint8Array.of(0), d[lo]!) : sha(Uint8Array.of(1), mth(lo, lo + k), mth(lo + k, hi));
      memo.set(key, h);
    }
    return h;
  };
  const path = (m: number, lo: number, hi: number): Uint8Array[] => {
    if (hi - lo === 1) return [];
    const k = split(hi - lo);
    return m < k ? [...path(m, lo, lo + k), mth(lo + k, hi)] : [...path(m - k, lo + k, hi), mth(lo, lo + k)];
  };
  return { root: mth(0, d.length), path: (m: number) => path(m, 0, d.length) };
}
/** Whether leaf m of a tree of n is a left (L) or right (R) child at each level where it has a sibling, from the leaf up. */
function turns(m: number, n: number): string {
  if (n === 1) return "";
  const k = split(n);
  return m < k ? turns(m, k) + "L" : turns(m - k, n - k) + "R";
}

/** Every tree shape up to 64 leaves, then the sizes around the next powers of two and past a batch of 256. */
const SIZES = [...Array.from({ length: 64 }, (_, i) => i + 1), 127, 128, 129, 255, 256, 257, 300];

const entries = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => Uint8Array.from(Buffer.from(`ack ${i} of ${n}`)));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const hexes = (bs: readonly Uint8Array[]) => bs.map(hex);
/** Verification with RFC 9162 §2.1.3.2 step 5 done as a caller does it: compare the result with the root. */
const proves = (index: number, size: number, entry: Uint8Array, p: readonly Uint8Array[], root: Uint8Array): boolean => {
  try {
    return hex(rootFromProof(index, size, leafHash(entry), p)) === hex(root);
  } catch {
    return false;
  }
};

describe("RFC 9162 §2.1 Merkle tree (SHA-256)", () => {
  it("hashes the empty-input leaf and a two-leaf node as §2.1.1 defines them (known answers)", () => {
    // SHA-256(0x00) and SHA-256(0x01 || SHA-256(0x00) || SHA-256(0x00)), computed independently with OpenSSL's digest.
    expect(hex(leafHash(new Uint8Array(0)))).toBe("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    expect(hex(merkleTree([new Uint8Array(0), new Uint8Array(0)]).root)).toBe(hex(sha(Uint8Array.of(1), leafHash(new Uint8Array(0)), leafHash(new Uint8Array(0)))));
  });

  it("root and every PATH equal the recursive definitions for every size 1..64 and around 128, 256 and 300", () => {
    for (const n of SIZES) {
      const d = entries(n);
      const t = merkleTree(d);
      const ref = reference(d);
      expect(hex(t.root), `root of ${n}`).toBe(hex(ref.root));
      for (let m = 0; m < n; m++) {
        expect(hexes(t.proofs[m]!), `PATH(${m}, D[${n}])`).toEqual(hexes(ref.path(m)));
        expect(proofLength(m, n)).toBe(t.proofs[m]!.length);
      }
    }
  });

  // Another size: the §2.1.3.2 walk depends on the size only through the leaf's turns, so a size in which the
  // leaf takes the same turns yields the same root. It proves nothing new: the signed root binds the content,
  // and COSE Receipts (unlike a CT signed tree head) sign no size. Every other size is refused.
  it("every proof verifies; none with a flipped bit, another index, a hash added or removed, or a size that moves the leaf", () => {
    // Every case is checked; the wrong ones are collected and compared once (an expect per case costs more than the case).
    const wrong: string[] = [];
    const want = (ok: boolean, expected: boolean, what: string) => ok !== expected && wrong.push(what);
    for (const n of SIZES) {
      const d = entries(n);
      const { root, proofs } = merkleTree(d);
      for (let m = 0; m < n; m++) {
        const p = proofs[m]!;
        const at = `leaf ${m} of ${n}`;
        want(proves(m, n, d[m]!, p, root), true, at);
        // A flipped bit in the entry, and in one hash of the path: over the indices of a size, every hash
        // position and bit gets its turn (all of them for every leaf would take seconds and find nothing more).
        const e = Uint8Array.from(d[m]!);
        e[m % e.length]! ^= 1 << (m % 8);
        want(proves(m, n, e, p, root), false, `${at}, entry flipped`);
        if (p.length > 0) {
          const j = m % p.length;
          const flipped = p.map((x, i) => (i === j ? Uint8Array.from(x) : x));
          flipped[j]![(m + n) % HASH_BYTES]! ^= 1 << ((m + n) % 8);
          want(proves(m, n, d[m]!, flipped, root), false, `${at}, hash ${j} flipped`);
        }
        if (n > 1) want(proves((m + 1) % n, n, d[m]!, p, root), false, `${at} as index ${(m + 1) % n}`);
        want(proves(m, n + 1, d[m]!, p, root), turns(m, n + 1) === turns(m, n), `${at} as of ${n + 1}`);
        if (m < n - 1) want(proves(m, n - 1, d[m]!, p, root), turns(m, n - 1) === turns(m, n), `${at} as of ${n - 1}`);
        want(proves(m, 2 * n, d[m]!, p, root), false, `${at} as of ${2 * n}`);
        want(proves(m, n, d[m]!, [...p, root], root), false, `${at}, a hash added`);
        if (p.length > 0) want(proves(m, n, d[m]!, p.slice(1), root), false, `${at}, a hash removed`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("refuses an index at or past the size, a path of the wrong length or a hash of the wrong size as bad-signature", () => {
    const d = entries(5);
    const { proofs } = merkleTree(d);
    const h = leafHash(d[4]!);
    expect(codeOf(() => rootFromProof(4, 5, h, proofs[4]!))).toBeUndefined();
    expect(codeOf(() => rootFromProof(5, 5, h, proofs[4]!))).toBe("bad-signature");
    expect(codeOf(() => rootFromProof(-1, 5, h, proofs[4]!))).toBe("bad-signature");
    expect(codeOf(() => rootFromProof(4, 5, h, [...proofs[4]!, h]))).toBe("bad-signature");
    expect(codeOf(() => rootFromProof(0, 5, h, proofs[0]!.slice(1)))).toBe("bad-signature");
    expect(codeOf(() => rootFromProof(4, 5, h, [new Uint8Array(31)]))).toBe("bad-signature");
  });

  it("a tree of no leaves is refused, typed", () => {
    expect(codeOf(() => merkleTree([]))).toBe("malformed");
  });
});
