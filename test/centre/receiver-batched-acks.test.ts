/**
 * One signature per group commit: the receiver seals the ACKs of every panel in a commit under one
 * Ed25519 signature over a Merkle root (protocol/cose-batch.ts, RFC 9162 §2.1), one frame per panel, each
 * with its inclusion proof. On the simulated broker and a FakeClock.
 */
import { describe, expect, it } from "vitest";
import { isBatched, openDownlink, parseEnvelope, type ParsedEnvelope } from "../../protocol/index.js";
import { rejectionCode } from "../protocol/rejection-code.js";
import { commitTurn, pinned, rig as simRig, started, type SimPanel } from "./sim-receiver-rig.js";

/** The rig with one receiver, "sim", and each panel registered on creation. */
function rig() {
  const t = simRig();
  const receiver = t.receiver("sim");
  const panel = (id: string): SimPanel => (t.register(id), t.panel(id));
  return { clock: t.clock, panel, receiver, start: () => started(receiver, t.clock) };
}

const sigHex = (p: ParsedEnvelope) => Buffer.from(p.signature).toString("hex");

describe("receiver: the ACKs of one commit under one signature", () => {
  it("a commit of frames from 3 panels sends 3 batched ACK frames with one signature, each opened by its panel only", async () => {
    const t = rig();
    await t.start();
    const panels = ["P1", "P2", "P3"].map(t.panel);
    t.clock.advance(1);
    panels.forEach((p, i) => p.send(10 + i));
    t.clock.advance(2); // panels -> broker -> receiver
    await commitTurn();
    t.clock.advance(2); // receiver -> broker -> panels
    expect(t.receiver.stats.commits).toBe(1);
    expect(panels.map((p) => p.frames.length)).toEqual([1, 1, 1]);
    const parsed = panels.map((p) => parseEnvelope(p.frames[0]!));
    expect(parsed.every(isBatched)).toBe(true);
    expect(new Set(parsed.map(sigHex)).size).toBe(1);
    expect(parsed.map((p) => (isBatched(p) ? [p.proof.treeSize, p.proof.leafIndex] : []))).toEqual([
      [3, 0],
      [3, 1],
      [3, 2],
    ]);
    panels.forEach((p, i) => expect(openDownlink(p.frames[0]!, { centre: pinned, panel: p.id })).toMatchObject({ panel: p.id, ack: { seqs: [10 + i] } }));
    expect(rejectionCode(() => openDownlink(panels[0]!.frames[0]!, { centre: pinned, panel: "P2" }))).toBe("wrong-panel");
    await t.receiver.stop();
  });

  it("re-ACKs of duplicates join the commit's batch; a commit that answers one panel sends today's plain frame", async () => {
    const t = rig();
    await t.start();
    const [a, b] = ["P1", "P2"].map(t.panel) as [SimPanel, SimPanel];
    t.clock.advance(1);
    const round = async (...sends: [SimPanel, number][]) => {
      for (const [p, seq] of sends) p.send(seq);
      t.clock.advance(2);
      await commitTurn();
      t.clock.advance(2);
    };
    await round([a, 1], [b, 4]); // both keys loaded from the store on first sight
    await round([a, 2]);
    expect(a.frames).toHaveLength(2);
    expect(isBatched(parseEnvelope(a.frames[1]!))).toBe(false); // the only ACK of its commit: plain
    // A's resend of 1 (already stored: re-ACKed, not stored again) and B's new frame, in one turn.
    await round([a, 1], [b, 5]);
    const [ra, rb] = [parseEnvelope(a.frames[2]!), parseEnvelope(b.frames[1]!)];
    expect([isBatched(ra), isBatched(rb)]).toEqual([true, true]);
    expect(sigHex(ra)).toBe(sigHex(rb));
    expect(openDownlink(a.frames[2]!, { centre: pinned, panel: "P1" })).toMatchObject({ ack: { seqs: [1] } });
    expect(openDownlink(b.frames[1]!, { centre: pinned, panel: "P2" })).toMatchObject({ ack: { seqs: [5] } });
    expect(t.receiver.stats.duplicates).toBe(1);
    await t.receiver.stop();
  });
});
