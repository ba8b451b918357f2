/**
 * One Ed25519 signature for many downlink frames: a COSE_Sign1 (RFC 9052 §4.2) shaped after COSE Receipts
 * (draft-ietf-cose-merkle-tree-proofs), whose signature covers the root of an RFC 9162 §2.1 Merkle tree
 * over the payloads of all the frames sealed together, while each frame carries its own payload and the
 * inclusion proof that takes it to that root (merkle.ts).
 *
 *   COSE_Sign1 = #6.18([
 *     protected:   bstr .cbor {1: -8 (EdDSA), 4: kid, 395 (vds): 1 (RFC9162_SHA256)},
 *     unprotected: {396 (vdp): {-1 (inclusion proofs): [bstr .cbor [tree_size, leaf_index, [+ bstr(32)]]]}},
 *     payload:     bstr (this frame's payload, as in a plain frame),
 *     signature:   Ed25519 over Sig_structure ["Signature1", protected, h'', root] (RFC 9052 §4.4)])
 *   root = the root RFC 9162 §2.1.3.2 computes from leaf_index, tree_size, SHA-256(0x00 || payload) and the path.
 *
 * The vds label sits in the protected (signed) header, so a plain frame is never read as a batched one nor
 * the reverse: the signature of one does not verify as the other. The plain parser (cose.ts) still refuses
 * any unprotected header, so only a caller that asks for this form (openDownlink, for ACKs) accepts it.
 */
import { sign, type KeyObject } from "node:crypto";
import { decodeCanonical, isCborArray, isCborMap, isCborTag, type CborValue } from "./cbor.js";
import type { CborLimits } from "./cbor-prescan.js";
import { ALG_EDDSA, COSE_SIGN1_TAG, ED25519_SIG_BYTES, HDR_ALG, HDR_KID, MAX_FRAME_BYTES, kidFromHeader, parseSign1, protectedHeader, sigStructure, signSign1, verifySign1, type ParsedSign1 } from "./cose.js";
import { head } from "./cbor-head.js";
import { ProtocolError } from "./errors.js";
import { HASH_BYTES, leafHash, merkleTree, proofLength, rootFromProof } from "./merkle.js";

/** COSE Receipts: verifiable data structure (protected) and verifiable data proofs (unprotected). */
export const HDR_VDS = 395;
export const HDR_VDP = 396;
/** The vds value of RFC 9162's tree with SHA-256, and the vdp key of its inclusion proofs. */
export const VDS_RFC9162_SHA256 = 1;
export const VDP_INCLUSION = -1;
/** Trees a parser accepts: a tree of one is sent as a plain frame; 4,096 leaves is 12 hashes of proof. */
export const MIN_TREE_SIZE = 2;
export const MAX_TREE_SIZE = 4096;
/** Leaves one signature covers when sealing; more payloads are sealed under several trees. */
export const MAX_SEAL_LEAVES = 1024;

/** #6.18([bstr, {396: {-1: [bstr]}}, bstr, bstr]): 11 items, the proof's bstr at depth 6. */
const BATCH_ENVELOPE_LIMITS: CborLimits = { maxBytes: MAX_FRAME_BYTES, maxDepth: 6, maxItems: 16 };
/** {1: alg, 4: kid, 395: vds}: 7 items at depth 2; room for more labels, so that they are refused by name. */
const BATCH_HEADER_LIMITS: CborLimits = { maxBytes: MAX_FRAME_BYTES, maxDepth: 2, maxItems: 11 };
/** [size, index, [hashes]]: at most 3 + 1 + 12 items at depth 3 (room for one more hash, refused by name). */
const PROOF_LIMITS: CborLimits = { maxBytes: MAX_FRAME_BYTES, maxDepth: 3, maxItems: 18 };

export interface InclusionProof {
  readonly treeSize: number;
  readonly leafIndex: number;
  /** PATH(leafIndex, D[treeSize]) of RFC 9162 §2.1.3.1, the deepest sibling first. */
  readonly path: readonly Uint8Array[];
}

export interface ParsedBatchedSign1 extends ParsedSign1 {
  readonly proof: InclusionProof;
}

/** Either form; a batched one has `proof`. */
export type ParsedEnvelope = ParsedSign1 | ParsedBatchedSign1;

export function isBatched(p: ParsedEnvelope): p is ParsedBatchedSign1 {
  return "proof" in p;
}

function batchedProtected(kid: string): Uint8Array {
  return protectedHeader(kid, [HDR_VDS, VDS_RFC9162_SHA256]);
}

/** The proof's bstr .cbor [tree_size, leaf_index, [+ bstr(32)]], written directly (tests hold it to encodeCanonical). */
function proofBytes(size: number, index: number, path: readonly Uint8Array[]): Uint8Array {
  const parts = [0x83, ...head(0, size), ...head(0, index), ...head(4, path.length)];
  const out = new Uint8Array(parts.length + path.length * (2 + HASH_BYTES));
  out.set(parts);
  let o = parts.length;
  for (const h of path) {
    out[o++] = 0x58;
    out[o++] = HASH_BYTES;
    out.set(h, o);
    o += HASH_BYTES;
  }
  return out;
}

/** {396: {-1: [ ... ]}}: map(1), uint 396, map(1), nint -1, array(1); then the proof's bstr. */
const VDP_HEAD = Uint8Array.from([0xa1, ...head(0, HDR_VDP), 0xa1, 0x20, 0x81]);

function frameBytes(prot: Uint8Array, proof: Uint8Array, payload: Uint8Array, signature: Uint8Array): Uint8Array {
  const chunks = [Uint8Array.of(0xc0 | COSE_SIGN1_TAG, 0x84), head(2, prot.length), prot, VDP_HEAD, head(2, proof.length), proof, head(2, payload.length), payload, head(2, signature.length), signature];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) (out.set(c, o), (o += c.length));
  if (out.length > MAX_FRAME_BYTES) throw new ProtocolError("oversize", `frame of ${out.length} bytes exceeds ${MAX_FRAME_BYTES}`);
  return out;
}

/**
 * Seal `payloads` with one signature per MAX_SEAL_LEAVES of them: frame i carries payloads[i]. A lone
 * payload (also one left over past a multiple of MAX_SEAL_LEAVES) is sealed as a plain COSE_Sign1.
 */
export function signSign1Batch(payloads: readonly Uint8Array[], key: KeyObject, kid: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < payloads.length; i += MAX_SEAL_LEAVES) {
    const group = payloads.slice(i, i + MAX_SEAL_LEAVES);
    if (group.length === 1) {
      out.push(signSign1(group[0]!, key, kid));
      continue;
    }
    const prot = batchedProtected(kid);
    const tree = merkleTree(group);
    const signature = new Uint8Array(sign(null, sigStructure(prot, tree.root), key));
    group.forEach((payload, m) => out.push(frameBytes(prot, proofBytes(group.length, m, tree.proofs[m]!), payload, signature)));
  }
  return out;
}

const malformed = (why: string) => new ProtocolError("malformed", `batched COSE_Sign1: ${why}`);
const isUint = (v: CborValue | undefined): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** The one value of a map that must hold exactly `key`. */
function only(m: CborValue | undefined, key: number, what: string): CborValue {
  if (!isCborMap(m) || m.size !== 1 || !m.has(key)) throw malformed(`${what} must be a map of exactly {${key}: ...}`);
  return m.get(key)!;
}

function parseProof(bytes: CborValue): InclusionProof {
  if (!(bytes instanceof Uint8Array)) throw malformed("the inclusion proof must be a byte string");
  const p = decodeCanonical(bytes, PROOF_LIMITS, "inclusion proof");
  if (!isCborArray(p) || p.length !== 3) throw malformed("inclusion proof must be [tree_size, leaf_index, path]");
  const [size, index, path] = p;
  if (!isUint(size) || size < MIN_TREE_SIZE || size > MAX_TREE_SIZE) throw malformed(`tree_size must be ${MIN_TREE_SIZE}..${MAX_TREE_SIZE}`);
  if (!isUint(index) || index >= size) throw malformed("leaf_index must be below tree_size");
  if (!isCborArray(path)) throw malformed("inclusion path must be an array");
  const want = proofLength(index, size);
  if (path.length !== want) throw malformed(`inclusion path for leaf ${index} of ${size} must hold ${want} hashes (RFC 9162 §2.1.3.1)`);
  if (!path.every((h) => h instanceof Uint8Array && h.length === HASH_BYTES)) throw malformed(`inclusion path hashes must be ${HASH_BYTES}-byte strings`);
  return { treeSize: size, leafIndex: index, path: path as Uint8Array[] };
}

/** The decoded protected header of the batched form, its alg, kid and vds checked. */
function batchedKid(protectedBytes: Uint8Array): string {
  const hdr = decodeCanonical(protectedBytes, BATCH_HEADER_LIMITS, "protected header");
  if (!isCborMap(hdr) || hdr.size !== 3 || !hdr.has(HDR_ALG) || !hdr.has(HDR_KID) || !hdr.has(HDR_VDS)) throw malformed("protected header must be {alg, kid} (plain) or {alg, kid, vds} (batched)");
  const alg = hdr.get(HDR_ALG);
  if (typeof alg !== "number") throw malformed("protected header alg must be an integer");
  if (alg !== ALG_EDDSA) throw new ProtocolError("unsupported-algorithm", `alg ${alg} is not EdDSA (-8)`);
  const vds = hdr.get(HDR_VDS);
  if (vds !== VDS_RFC9162_SHA256) throw new ProtocolError("unsupported-algorithm", `vds ${String(vds)} is not RFC9162_SHA256 (1)`);
  return kidFromHeader(hdr.get(HDR_KID), malformed);
}

/** Parse the batched form strictly, without checking the proof or the signature (the key depends on the kid). */
export function parseBatchedSign1(frame: Uint8Array): ParsedBatchedSign1 {
  if (frame.length > MAX_FRAME_BYTES) throw new ProtocolError("oversize", `frame of ${frame.length} bytes exceeds ${MAX_FRAME_BYTES}`);
  const top = decodeCanonical(frame, BATCH_ENVELOPE_LIMITS, "batched COSE_Sign1");
  if (!isCborTag(top) || top.tag !== COSE_SIGN1_TAG) throw malformed("not a tagged COSE_Sign1");
  const arr = top.value;
  if (!isCborArray(arr) || arr.length !== 4) throw malformed("must be a 4-element array");
  const [protectedBytes, unprotected, payload, signature] = arr;
  if (!(protectedBytes instanceof Uint8Array) || !(payload instanceof Uint8Array) || !(signature instanceof Uint8Array)) throw malformed("fields have wrong types");
  if (signature.length !== ED25519_SIG_BYTES) throw malformed("signature must be 64 bytes");
  const kid = batchedKid(protectedBytes);
  const proofs = only(only(unprotected, HDR_VDP, "unprotected header"), VDP_INCLUSION, "vdp");
  if (!isCborArray(proofs) || proofs.length !== 1) throw malformed("exactly one inclusion proof");
  return { protectedBytes, kid, payload, signature, proof: parseProof(proofs[0]!) };
}

/**
 * Which parser a frame goes to, read from its protected header without decoding it: the plain form's
 * header holds two labels (alg, kid), the batched form's three (alg, kid, vds); a header of more goes to
 * the batched parser too, to be refused by name. Each parser insists on exactly its own labels, so a
 * header naming a vds can only ever be read as batched, and one without as plain. Reads the first bytes of
 * #6.18([bstr, ...]): d2 84, the bstr's head (a kid of at most 32 bytes keeps it under 256 bytes), then
 * the header's map head; anything else goes to the plain parser, which refuses it by name.
 */
function headerLabels(frame: Uint8Array): number | undefined {
  if (frame[0] !== (0xc0 | COSE_SIGN1_TAG) || frame[1] !== 0x84) return undefined;
  const h = frame[2];
  const at = h !== undefined && h >= 0x41 && h < 0x58 ? 3 : h === 0x58 ? 4 : -1;
  const m = at < 0 ? undefined : frame[at];
  return m !== undefined && m >= 0xa0 && m < 0xb8 ? m - 0xa0 : undefined;
}

/** Parse either form: batched when the protected header holds three labels or more (it must be alg, kid, vds), else plain (cose.ts parseSign1). */
export function parseEnvelope(frame: Uint8Array): ParsedEnvelope {
  // Each parser refuses an oversize frame first, with the same message.
  return (headerLabels(frame) ?? 0) >= 3 ? parseBatchedSign1(frame) : parseSign1(frame);
}

/**
 * Verify either form. Batched: the root RFC 9162 §2.1.3.2 computes from the payload's leaf hash and the
 * proof, then the signature over that root (§2.1.3.2 step 5's comparison with a signed root, done by the
 * signature). Throws ProtocolError("bad-signature") when either does not hold.
 */
export function verifyEnvelope(parsed: ParsedEnvelope, key: KeyObject): void {
  if (!isBatched(parsed)) return verifySign1(parsed, key);
  const { leafIndex, treeSize, path } = parsed.proof;
  const root = rootFromProof(leafIndex, treeSize, leafHash(parsed.payload), path);
  verifySign1({ protectedBytes: parsed.protectedBytes, kid: parsed.kid, payload: root, signature: parsed.signature }, key);
}
