import { createHash, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  MapKeyRing,
  encodeDownlinkPayload,
  frameRef,
  isBatched,
  openDownlink,
  openUplink,
  parseEnvelope,
  privateKeyFromPem,
  publicKeyFromPem,
  sealDownlink,
  sealDownlinkAcks,
  sealUplink,
  sigStructure,
} from "../../protocol/index.js";

const dir = join(import.meta.dirname, "../vectors");
const vectors = JSON.parse(readFileSync(join(dir, "v1.json"), "utf8")) as {
  uplink: { name: string; payload: never; frame: string }[];
  downlink: { name: string; payload: never; frame: string }[];
  batchedAcks: { name: string; payload: never; frame: string }[];
};
const pem = (f: string) => readFileSync(join(dir, f));
const panelKey = privateKeyFromPem(pem("panel-0001.key.pem"));
const panelPub = publicKeyFromPem(pem("panel-0001.pub.pem"));
const centreKey = privateKeyFromPem(pem("centre.key.pem"));
const centrePub = publicKeyFromPem(pem("centre.pub.pem"));
const ring = new MapKeyRing().add("panel-0001", "panel-0001", panelPub);

describe("known-answer vectors (test/vectors/v1.json): fixed key and payload give exact frame bytes", () => {
  for (const v of vectors.uplink) {
    it(`uplink: ${v.name}`, () => {
      expect(Buffer.from(sealUplink(v.payload, { kid: "panel-0001", key: panelKey })).toString("hex")).toBe(v.frame);
      expect(openUplink(Buffer.from(v.frame, "hex"), ring, { topicPanel: "panel-0001" }).payload).toEqual(v.payload);
    });
  }
  for (const v of vectors.downlink) {
    it(`downlink: ${v.name}`, () => {
      expect(Buffer.from(sealDownlink(v.payload, { kid: "centre", key: centreKey })).toString("hex")).toBe(v.frame);
      expect(openDownlink(Buffer.from(v.frame, "hex"), { centre: { kid: "centre", key: centrePub }, panel: "panel-0001" })).toEqual(v.payload);
    });
  }

  it("the ACK of the batch frame names that frame: its seq (the first event's) and its ref", () => {
    const batch = vectors.uplink.find((v) => v.name === "batch of three closings")!;
    const ack = vectors.downlink.find((v) => v.name === "ack of a batch frame")!;
    expect((ack.payload as { ack: unknown }).ack).toEqual({ seqs: [(batch.payload as { seq: number }).seq], refs: [frameRef(Buffer.from(batch.frame, "hex"))] });
  });

  it("every answer names an uplink vector it answers: the frame's ref, with that frame's seq", () => {
    const bySeqRef = new Map(vectors.uplink.map((u) => [frameRef(Buffer.from(u.frame, "hex")), (u.payload as { seq: number }).seq]));
    const named: [number, string][] = vectors.downlink.flatMap((d) => {
      const p = d.payload as { ack?: { seqs: number[]; refs: string[] }; nak?: { seq: number; ref: string } };
      if (p.ack) return p.ack.seqs.map((s, i): [number, string] => [s, p.ack!.refs[i]!]);
      return p.nak ? [[p.nak.seq, p.nak.ref] as [number, string]] : [];
    });
    expect(named.length).toBe(5);
    for (const [seq, ref] of named) expect(bySeqRef.get(ref)).toBe(seq);
  });

  it("the seq-reused NAK carries next, the fifth element of its NAK array; the other answers' bytes are as before", () => {
    const nak = vectors.downlink.find((v) => v.name === "nak seq-reused")!;
    expect((nak.payload as { nak: { next?: number } }).nak.next).toBe(123460);
    const stale = vectors.downlink.find((v) => v.name === "nak stale")!;
    expect((stale.payload as { nak: object }).nak).not.toHaveProperty("next");
  });

  it("batched ACKs: the three ACKs of one commit seal to exactly these frames, and each opens for its panel only", () => {
    const frames = sealDownlinkAcks(
      vectors.batchedAcks.map((v) => v.payload),
      { kid: "centre", key: centreKey },
    );
    expect(frames.map((f) => Buffer.from(f).toString("hex"))).toEqual(vectors.batchedAcks.map((v) => v.frame));
    vectors.batchedAcks.forEach((v) => {
      const panel = (v.payload as { panel: string }).panel;
      expect(openDownlink(Buffer.from(v.frame, "hex"), { centre: { kid: "centre", key: centrePub }, panel })).toEqual(v.payload);
    });
  });

  it("batched ACKs: the one signature covers the RFC 9162 root of the three payloads, computed here by hand", () => {
    const sha = (...b: Uint8Array[]) => {
      const h = createHash("sha256");
      for (const x of b) h.update(x);
      return h.digest();
    };
    const [l0, l1, l2] = vectors.batchedAcks.map((v) => sha(Uint8Array.of(0), encodeDownlinkPayload(v.payload)));
    // RFC 9162 §2.1.1, n = 3: k = 2, MTH = H(0x01 || H(0x01 || l0 || l1) || l2).
    const root = sha(Uint8Array.of(1), sha(Uint8Array.of(1), l0!, l1!), l2!);
    const parsed = vectors.batchedAcks.map((v) => parseEnvelope(Buffer.from(v.frame, "hex")));
    for (const p of parsed) expect(verify(null, sigStructure(p.protectedBytes, root), centrePub, p.signature)).toBe(true);
    // PATH(1, D[3]) = [l0, l2] (RFC 9162 §2.1.3.1), in the frame of leaf 1.
    const p1 = parsed[1]!;
    expect(isBatched(p1) && { size: p1.proof.treeSize, index: p1.proof.leafIndex, path: p1.proof.path.map((h) => Buffer.from(h).toString("hex")) }).toEqual({ size: 3, index: 1, path: [l0!.toString("hex"), l2!.toString("hex")] });
  });

  it("a single-event alarm frame is at most 128 bytes (the size budget)", () => {
    const alarm = vectors.uplink.find((v) => v.name === "single burglary alarm")!;
    expect(alarm.frame.length / 2).toBeLessThanOrEqual(128);
  });
});
