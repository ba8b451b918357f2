/**
 * The batched ACK form (protocol/cose-batch.ts): COSE_Sign1 (RFC 9052 §4.2) whose signature covers an
 * RFC 9162 §2.1 Merkle root, shaped after COSE Receipts (draft-ietf-cose-merkle-tree-proofs). Round trips,
 * the exact bytes, and a typed refusal for every field changed.
 */
import { sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  ACK_MAX_FRAMES,
  MAX_FRAME_BYTES,
  MAX_SEAL_LEAVES,
  MapKeyRing,
  encodeCanonical,
  encodeDownlinkPayload,
  encodeUplinkPayload,
  generateEd25519,
  isBatched,
  leafHash,
  merkleTree,
  openDownlink,
  openUplink,
  parseEnvelope,
  privateKeyFromPem,
  publicKeyFromPem,
  sealDownlink,
  sealDownlinkAcks,
  sigStructure,
  signSign1Batch,
  type AckPayload,
  type CborValue,
} from "../../protocol/index.js";
import { codeOf } from "./code-of.js";
import { rejectionCode as code } from "./rejection-code.js";

const centre = generateEd25519();
const centreKey = privateKeyFromPem(centre.privatePem);
const signer = { kid: "centre", key: centreKey };
const pinned = { kid: "centre", key: publicKeyFromPem(centre.publicPem) };
const T = 1_795_667_400_000;
const ref = (n: number) => n.toString(16).padStart(16, "0");
const ack = (panel: string, seqs: number[]): AckPayload => ({ v: 1, panel, sent: T, ack: { seqs, refs: seqs.map(ref) } });
const open = (frame: Uint8Array, panel: string) => openDownlink(frame, { centre: pinned, panel });
/** The seqs of the ACK a frame opens to (or nothing for another kind). */
const ackedSeqs = (frame: Uint8Array, panel: string) => {
  const d = open(frame, panel);
  return "ack" in d ? d.ack.seqs : undefined;
};

const acks = [ack("P1", [1, 2]), ack("P2", [7]), ack("P3", [9, 10, 11])];
const frames = sealDownlinkAcks(acks, signer);

/** A batched frame taken apart (all fields as CBOR values) and put together again, re-signed or not. */
interface Parts {
  prot: Map<number, CborValue>;
  unprotected: CborValue;
  proof: CborValue;
  payload: Uint8Array;
  signature: Uint8Array;
}
function partsOf(frame: Uint8Array): Parts {
  const p = parseEnvelope(frame);
  if (!isBatched(p)) throw new Error("not batched");
  const prot = new Map<number, CborValue>([[1, -8], [4, new Uint8Array(Buffer.from(p.kid))], [395, 1]]);
  const proof: CborValue = [p.proof.treeSize, p.proof.leafIndex, [...p.proof.path]];
  return { prot, unprotected: undefined as never, proof, payload: p.payload, signature: p.signature };
}
function assemble(x: Parts, opts: { proofBytes?: Uint8Array; resignRoot?: Uint8Array } = {}): Uint8Array {
  const protBytes = encodeCanonical(x.prot);
  const sig = opts.resignRoot ? new Uint8Array(sign(null, sigStructure(protBytes, opts.resignRoot), centreKey)) : x.signature;
  const unprot = x.unprotected ?? new Map<number, CborValue>([[396, new Map<number, CborValue>([[-1, [opts.proofBytes ?? encodeCanonical(x.proof)]]])]]);
  return encodeCanonical({ tag: 18, value: [protBytes, unprot, x.payload, sig] });
}
const mutate = (frame: Uint8Array, f: (x: Parts) => void, opts?: { proofBytes?: Uint8Array; resignRoot?: Uint8Array }) => {
  const x = partsOf(frame);
  f(x);
  return assemble(x, opts);
};

describe("batched ACKs: one signature over a Merkle root (RFC 9162 §2.1, COSE Receipts shape)", () => {
  it("each panel opens its own ACK from a batch of three", () => {
    expect(frames).toHaveLength(3);
    acks.forEach((a, i) => expect(open(frames[i]!, a.panel)).toEqual(a));
    expect(frames.every((f) => isBatched(parseEnvelope(f)))).toBe(true);
  });

  it("all frames of a batch carry the same signature, over the root of their payloads", () => {
    const sigs = new Set(frames.map((f) => Buffer.from(parseEnvelope(f).signature).toString("hex")));
    expect(sigs.size).toBe(1);
    const root = merkleTree(acks.map(encodeDownlinkPayload)).root;
    const prot = parseEnvelope(frames[0]!).protectedBytes;
    expect(Buffer.from(parseEnvelope(frames[0]!).signature)).toEqual(sign(null, sigStructure(prot, root), centreKey));
  });

  it("writes exactly the deterministic CBOR (RFC 8949 §4.2.1) of the structure, the proof as bstr .cbor", () => {
    frames.forEach((f) => expect(Buffer.from(assemble(partsOf(f)))).toEqual(Buffer.from(f)));
    // The header, as COSE Receipts label it: {1: -8, 4: kid, 395: 1}.
    expect(Buffer.from(parseEnvelope(frames[0]!).protectedBytes).toString("hex")).toBe("a301270446" + Buffer.from("centre").toString("hex") + "19018b01");
  });

  it("a batch of one is today's plain COSE_Sign1, byte for byte", () => {
    const [one] = sealDownlinkAcks([acks[0]!], signer);
    expect(Buffer.from(one!)).toEqual(Buffer.from(sealDownlink(acks[0]!, signer)));
    expect(isBatched(parseEnvelope(one!))).toBe(false);
  });

  it("more than MAX_SEAL_LEAVES payloads take several signatures; a lone one left over is plain", () => {
    const many = Array.from({ length: MAX_SEAL_LEAVES + 1 }, (_, i) => ack(`P${i}`, [i]));
    const out = sealDownlinkAcks(many, signer);
    expect(out).toHaveLength(many.length);
    const sigs = new Set(out.slice(0, MAX_SEAL_LEAVES).map((f) => Buffer.from(parseEnvelope(f).signature).toString("hex")));
    expect(sigs.size).toBe(1);
    expect(isBatched(parseEnvelope(out[MAX_SEAL_LEAVES]!))).toBe(false);
    expect(ackedSeqs(out[MAX_SEAL_LEAVES - 1]!, `P${MAX_SEAL_LEAVES - 1}`)).toEqual([MAX_SEAL_LEAVES - 1]);
    expect(ackedSeqs(out[MAX_SEAL_LEAVES]!, `P${MAX_SEAL_LEAVES}`)).toEqual([MAX_SEAL_LEAVES]);
  });

  it("the largest ACK (ACK_MAX_FRAMES seqs near 2^53, a 32-character panel id) in the largest tree fits a frame", () => {
    const id = "X".repeat(32);
    const big = (i: number) => ({ v: 1 as const, panel: id, sent: Number.MAX_SAFE_INTEGER, ack: { seqs: Array.from({ length: ACK_MAX_FRAMES }, (_, j) => Number.MAX_SAFE_INTEGER - j - i), refs: Array.from({ length: ACK_MAX_FRAMES }, () => "ffffffffffffffff") } });
    const out = sealDownlinkAcks(Array.from({ length: MAX_SEAL_LEAVES }, (_, i) => big(i)), signer);
    expect(Math.max(...out.map((f) => f.length))).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    expect(ackedSeqs(out[MAX_SEAL_LEAVES - 1]!, id)).toHaveLength(ACK_MAX_FRAMES);
  });
});

describe("batched ACKs: every field changed is refused with its code", () => {
  const f = frames[2]!; // leaf 2 of 3: path of one hash (the node over leaves 0 and 1)
  const p = partsOf(f);
  const path = () => (p.proof as CborValue[])[2] as Uint8Array[];

  it("the unchanged frame opens", () => {
    expect(codeOf(() => open(assemble(partsOf(f)), "P3"))).toBeUndefined();
  });
  it("protected header: alg other than EdDSA, vds other than RFC9162_SHA256 -> unsupported-algorithm", () => {
    expect(code(() => open(mutate(f, (x) => x.prot.set(1, -7)), "P3"))).toBe("unsupported-algorithm");
    expect(code(() => open(mutate(f, (x) => x.prot.set(395, 2)), "P3"))).toBe("unsupported-algorithm");
  });
  it("protected header: a label added, alg or kid swapped for another, or a kid not UTF-8 -> malformed; another kid -> unknown-key", () => {
    expect(code(() => open(mutate(f, (x) => x.prot.set(3, 0)), "P3"))).toBe("malformed");
    expect(code(() => open(mutate(f, (x) => x.prot.set(5, Uint8Array.of(1))), "P3"))).toBe("malformed");
    expect(code(() => open(mutate(f, (x) => (x.prot.delete(1), x.prot.set(3, -8))), "P3"))).toBe("malformed");
    expect(code(() => open(mutate(f, (x) => (x.prot.delete(4), x.prot.set(2, 0))), "P3"))).toBe("malformed");
    // Two labels left: the plain parser's, which refuses the batched envelope (its depth, or the unprotected header).
    expect(["malformed", "too-complex"]).toContain(code(() => open(mutate(f, (x) => x.prot.delete(1)), "P3")));
    expect(["malformed", "too-complex"]).toContain(code(() => open(mutate(f, (x) => x.prot.delete(4)), "P3")));
    expect(code(() => open(mutate(f, (x) => x.prot.set(4, Uint8Array.of(0xff))), "P3"))).toBe("malformed");
    expect(code(() => open(mutate(f, (x) => x.prot.set(4, new Uint8Array(Buffer.from("other")))), "P3"))).toBe("unknown-key");
  });
  it("unprotected header: another label, another proof key, no proof, two proofs, a proof not a bstr -> malformed", () => {
    const wrap = (v: CborValue) => new Map<number, CborValue>([[396, v]]);
    const pb = encodeCanonical(p.proof);
    for (const u of [
      new Map<number, CborValue>([[397, new Map<number, CborValue>([[-1, [pb]]])]]),
      wrap(new Map<number, CborValue>([[-2, [pb]]])),
      wrap(new Map<number, CborValue>([[-1, []]])),
      wrap(new Map<number, CborValue>([[-1, [pb, pb]]])),
      new Map<number, CborValue>([[396, new Map<number, CborValue>([[-1, [pb]]])], [397, 0]]),
      new Map(),
    ]) {
      expect(code(() => open(mutate(f, (x) => (x.unprotected = u)), "P3"))).toBe("malformed");
    }
    // The proof inline, not wrapped in a bstr: one level deeper than the form allows.
    expect(code(() => open(mutate(f, (x) => (x.unprotected = wrap(new Map<number, CborValue>([[-1, [p.proof]]])))), "P3"))).toBe("too-complex");
  });
  it("proof: tree_size 1 or 4097, leaf_index at tree_size, a path of the wrong length, an empty path, a hash of 31 bytes -> malformed", () => {
    const withProof = (proof: CborValue) => mutate(f, (x) => (x.proof = proof));
    expect(code(() => open(withProof([1, 0, []]), "P3"))).toBe("malformed");
    expect(code(() => open(withProof([4097, 2, path()]), "P3"))).toBe("malformed");
    expect(code(() => open(withProof([3, 3, path()]), "P3"))).toBe("malformed");
    expect(code(() => open(withProof([3, 2, [...path(), path()[0]!]]), "P3"))).toBe("malformed");
    expect(code(() => open(withProof([3, 2, []]), "P3"))).toBe("malformed");
    expect(code(() => open(withProof([3, 2, [path()[0]!.subarray(0, 31)]]), "P3"))).toBe("malformed");
    expect(code(() => open(withProof([3, 2]), "P3"))).toBe("malformed");
    expect(code(() => open(withProof([3, -2, path()]), "P3"))).toBe("malformed");
  });
  it("proof: not in deterministic encoding (tree_size as a two-byte integer) -> malformed", () => {
    const h = path()[0]!;
    const loose = Uint8Array.from([0x83, 0x18, 0x03, 0x02, 0x81, 0x58, 0x20, ...h]);
    expect(code(() => open(mutate(f, () => {}, { proofBytes: loose }), "P3"))).toBe("malformed");
    expect(codeOf(() => open(mutate(f, () => {}, { proofBytes: Uint8Array.from([0x83, 0x03, 0x02, 0x81, 0x58, 0x20, ...h]) }), "P3"))).toBeUndefined();
  });
  it("proof: a flipped bit in a hash, or a leaf_index and tree_size that move the leaf -> bad-signature", () => {
    const flipped = Uint8Array.from(path()[0]!);
    flipped[5]! ^= 0x10;
    expect(code(() => open(mutate(f, (x) => (x.proof = [3, 2, [flipped]])), "P3"))).toBe("bad-signature");
    // Leaf 0 of 2 has a path of one hash too, but as a left child: the node hashes the other way round.
    expect(code(() => open(mutate(f, (x) => (x.proof = [2, 0, path()])), "P3"))).toBe("bad-signature");
    // Leaf 0 of 3 as leaf 1 of 3 (both two hashes deep, a left and a right child at the bottom).
    expect(code(() => open(mutate(frames[0]!, (x) => (x.proof = [3, 1, (x.proof as CborValue[])[2]!])), "P1"))).toBe("bad-signature");
  });
  it("proof: a leaf_index and tree_size that keep the leaf's turns give the same root: accepted, and they prove nothing else", () => {
    // RFC 9162 §2.1.3.2 reads the size only through the leaf's left/right turns; leaf 2 of 3 and leaf 4 of 5
    // are both the right child of the root. The size is not signed (COSE Receipts sign the root alone) and
    // nothing downstream reads it: what is proven is that this payload is a leaf under the signed root.
    expect(open(mutate(f, (x) => (x.proof = [5, 4, path()])), "P3")).toEqual(acks[2]);
  });
  it("payload changed, signature flipped -> bad-signature; signature of 63 bytes -> malformed", () => {
    const other = encodeDownlinkPayload(ack("P3", [9, 10, 12]));
    expect(code(() => open(mutate(f, (x) => (x.payload = other)), "P3"))).toBe("bad-signature");
    expect(code(() => open(mutate(f, (x) => (x.signature = Uint8Array.from(x.signature, (b, i) => (i === 0 ? b ^ 1 : b)))), "P3"))).toBe("bad-signature");
    expect(code(() => open(mutate(f, (x) => (x.signature = x.signature.subarray(0, 63))), "P3"))).toBe("malformed");
  });
  it("a frame over MAX_FRAME_BYTES -> oversize", () => {
    expect(code(() => open(new Uint8Array(MAX_FRAME_BYTES + 1), "P3"))).toBe("oversize");
    expect(code(() => parseEnvelope(Uint8Array.from([...f, ...new Uint8Array(MAX_FRAME_BYTES)])))).toBe("oversize");
  });
});

describe("batched ACKs: the two forms never stand for each other", () => {
  it("a plain-shaped frame (empty unprotected header) whose protected header names a vds is refused", () => {
    const x = partsOf(frames[0]!);
    x.unprotected = new Map();
    expect(code(() => open(assemble(x, { resignRoot: x.payload }), "P1"))).toBe("malformed");
  });
  it("a batched frame whose protected header lacks the vds is refused by the plain parser", () => {
    // (Its non-empty unprotected header is one level deeper than the plain envelope allows, or refused by name.)
    expect(["malformed", "too-complex"]).toContain(code(() => open(mutate(frames[0]!, (x) => x.prot.delete(395)), "P1")));
  });
  it("a batched frame carrying a NAK or a command is refused: only ACKs are sealed in batches", () => {
    const nak = encodeDownlinkPayload({ v: 1, panel: "P1", sent: T, nak: { seq: 1, reason: "stale", ref: ref(1) } });
    const cmd = encodeDownlinkPayload({ v: 1, panel: "P1", sent: T, cmd: { id: "c1", exp: T + 60_000, type: "status-request" } });
    const out = signSign1Batch([nak, cmd, encodeDownlinkPayload(acks[0]!)], centreKey, "centre");
    expect(code(() => open(out[0]!, "P1"))).toBe("malformed");
    expect(code(() => open(out[1]!, "P1"))).toBe("malformed");
    expect(open(out[2]!, "P1")).toEqual(acks[0]);
  });
  it("an uplink frame in the batched form is refused by openUplink, typed", () => {
    const panel = generateEd25519();
    const key = privateKeyFromPem(panel.privatePem);
    const ring = new MapKeyRing().add("kP", "P1", publicKeyFromPem(panel.publicPem));
    const up = (seq: number) => encodeUplinkPayload({ v: 1, panel: "P1", seq, sent: T, events: [{ code: 130, q: 1, area: 1, zone: 2, at: T }] });
    const [a] = signSign1Batch([up(1), up(2)], key, "kP");
    expect(["malformed", "too-complex"]).toContain(code(() => openUplink(a!, ring, { topicPanel: "P1" })));
  });
  it("panel A's leaf presented to panel B is wrong-panel", () => {
    expect(code(() => open(frames[0]!, "P2"))).toBe("wrong-panel");
  });
  it("a proof from another batch does not verify under this batch's signature", () => {
    const other = sealDownlinkAcks([ack("P1", [1, 2]), ack("P2", [8]), ack("P3", [9, 10, 11])], signer);
    // Same leaf (P1's ACK is the same payload), same position, the signature of the other batch: bad-signature.
    const x = partsOf(frames[0]!);
    x.signature = parseEnvelope(other[0]!).signature;
    expect(leafHash(x.payload)).toEqual(leafHash(parseEnvelope(other[0]!).payload));
    expect(code(() => open(assemble(x), "P1"))).toBe("bad-signature");
    const y = partsOf(frames[0]!);
    y.proof = partsOf(other[0]!).proof;
    expect(code(() => open(assemble(y), "P1"))).toBe("bad-signature");
  });
});
