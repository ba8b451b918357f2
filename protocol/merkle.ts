/**
 * The Merkle tree of RFC 9162 §2.1 (Certificate Transparency v2) over SHA-256, as COSE Receipts use it
 * (draft-ietf-cose-merkle-tree-proofs, verifiable data structure RFC9162_SHA256): one signature over the
 * root stands for every leaf, and each leaf travels with its inclusion proof.
 *
 *   leaf hash  MTH({d0}) = SHA-256(0x00 || d0)                                    (§2.1.1)
 *   node hash  MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k the largest power of two < n
 *   proof      PATH(m, D[n]), the sibling hashes from the leaf up to the root      (§2.1.3.1)
 *   verify     the algorithm of §2.1.3.2: index < size, the path consumed exactly, the root equal
 *
 * Pure: no state, no I/O. The tree of RFC 9162 is built here bottom-up, pairing the nodes of each level
 * left to right and carrying an odd last node up unchanged; that is the same tree as the recursive
 * split at the largest power of two below n (the tests hold the two equal for every size up to 300).
 */
import { ProtocolError } from "./errors.js";
import { sha256 } from "./sha256.js";

/** SHA-256 output, and so every hash of the tree and of a proof. */
export const HASH_BYTES = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** MTH of one entry: SHA-256(0x00 || entry) (RFC 9162 §2.1.1). */
export function leafHash(entry: Uint8Array): Uint8Array {
  const b = new Uint8Array(1 + entry.length);
  b[0] = LEAF_PREFIX;
  b.set(entry, 1);
  return sha256(b);
}

/** An interior node: SHA-256(0x01 || left || right) (RFC 9162 §2.1.1). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const b = new Uint8Array(1 + 2 * HASH_BYTES);
  b[0] = NODE_PREFIX;
  b.set(left, 1);
  b.set(right, 1 + HASH_BYTES);
  return sha256(b);
}

export interface MerkleTree {
  readonly root: Uint8Array;
  /** proofs[m] = PATH(m, D[n]) (RFC 9162 §2.1.3.1), the deepest sibling first. */
  readonly proofs: readonly (readonly Uint8Array[])[];
}

/**
 * The root and every leaf's inclusion proof of the tree over `entries` (n >= 1), in one pass: at each level,
 * each node's hash is appended to the proofs of every leaf under its sibling. O(n log n) appends, 2n - 1 hashes.
 */
export function merkleTree(entries: readonly Uint8Array[]): MerkleTree {
  const n = entries.length;
  if (n === 0) throw new ProtocolError("malformed", "a Merkle tree needs at least one leaf");
  const proofs: Uint8Array[][] = entries.map(() => []);
  let level = entries.map(leafHash);
  // starts[i]: the first leaf under node i of this level; a node covers leaves starts[i] .. starts[i + 1] - 1.
  let starts = entries.map((_, i) => i);
  while (level.length > 1) {
    const up: Uint8Array[] = [];
    const upStarts: number[] = [];
    for (let i = 0; i < level.length; i += 2) {
      upStarts.push(starts[i]!);
      if (i + 1 === level.length) {
        up.push(level[i]!); // an odd last node moves up unchanged: the right edge of RFC 9162's split
        break;
      }
      const end = i + 2 < level.length ? starts[i + 2]! : n;
      for (let m = starts[i]!; m < starts[i + 1]!; m++) proofs[m]!.push(level[i + 1]!);
      for (let m = starts[i + 1]!; m < end; m++) proofs[m]!.push(level[i]!);
      up.push(nodeHash(level[i]!, level[i + 1]!));
    }
    level = up;
    starts = upStarts;
  }
  return { root: level[0]!, proofs };
}

/**
 * How many hashes PATH(index, D[size]) holds: the iterations of RFC 9162 §2.1.3.2 step 4 until sn is 0. A
 * parser holds a proof to exactly this length, so there is one encoding of each proof. Requires index < size.
 */
export function proofLength(index: number, size: number): number {
  let fn = index;
  let sn = size - 1;
  let len = 0;
  while (sn > 0) {
    // Step 4b.ii: a left child at the right edge has no sibling at some levels: skip them.
    if (fn % 2 === 0 && fn === sn) while (fn % 2 === 0 && fn !== 0) (fn /= 2), (sn = Math.floor(sn / 2));
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
    len++;
  }
  return len;
}

/**
 * The root that `path` proves `hash` (a leaf hash) to be leaf `index` of a tree of `size` leaves under:
 * RFC 9162 §2.1.3.2, whose step 5 (compare with the signed root) is the caller's, here by verifying the
 * signature over the result. Throws ProtocolError("bad-signature") when the path cannot be an inclusion
 * proof for (index, size) at all: index >= size, a path too short or too long.
 */
export function rootFromProof(index: number, size: number, hash: Uint8Array, path: readonly Uint8Array[]): Uint8Array {
  // Step 1.
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) {
    throw new ProtocolError("bad-signature", `leaf index ${index} is not below tree size ${size}`);
  }
  // Step 2, 3.
  let fn = index;
  let sn = size - 1;
  let r = hash;
  // Step 4.
  for (const p of path) {
    if (p.length !== HASH_BYTES) throw new ProtocolError("bad-signature", `a proof hash must be ${HASH_BYTES} bytes`);
    if (sn === 0) throw new ProtocolError("bad-signature", "inclusion proof longer than the tree is deep");
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) (fn /= 2), (sn = Math.floor(sn / 2));
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Step 5, first half: the path must reach the root exactly.
  if (sn !== 0) throw new ProtocolError("bad-signature", "inclusion proof shorter than the tree is deep");
  return r;
}
