/**
 * The gateway's side of the centre's batched ACKs (protocol/cose-batch.ts: one signature over an RFC 9162
 * Merkle root for a whole commit): routeDownlink opens its own leaf and acts on it exactly as on a plain
 * ACK; another panel's leaf, a tampered proof or a batched NAK is refused with the protocol's code.
 */
import { describe, expect, it } from "vitest";
import { encodeDownlinkPayload, isBatched, parseEnvelope, sealDownlinkAcks, signSign1Batch, type AckPayload } from "../../protocol/index.js";
import { routeDownlink } from "../../gateway/downlink/route-downlink.js";
import { flowing } from "./link-parts.js";

describe("batched ACKs at the gateway (downlink/route-downlink.ts)", () => {
  const setUp = () => {
    const p = flowing(2);
    const route = (frame: Uint8Array) => routeDownlink(p.ctx, { panel: "p1", centreKey: p.keys.centrePublic }, 0, frame, false);
    const ackOf = (panel: string, seqs: number[], refs = p.refs(seqs)): AckPayload => ({ v: 1, panel, sent: p.clock.now(), ack: { seqs, refs } });
    return { p, route, ackOf };
  };

  it("its own leaf of a commit's batch removes the named frame, as a plain ACK does", () => {
    const { p, route, ackOf } = setUp();
    const acked = p.record("acked");
    const refused = p.record("refused");
    p.clock.advance(25);
    const frames = sealDownlinkAcks([ackOf("other", [3]), ackOf("p1", [p.seqs[0]!]), ackOf("third", [9])], p.keys.centre);
    route(frames[1]!);
    expect(refused).toEqual([]);
    expect(acked).toEqual([{ seq: p.seqs[0], rttMs: 25 }]);
    expect(p.outbox.depth().total).toBe(1);
  });

  it("another panel's leaf is refused as wrong-panel and leaves the outbox alone", () => {
    const { p, route, ackOf } = setUp();
    const refused = p.record("refused");
    const frames = sealDownlinkAcks([ackOf("other", [p.seqs[0]!]), ackOf("p1", [p.seqs[1]!])], p.keys.centre);
    route(frames[0]!);
    expect(refused.map((r) => r.code)).toEqual(["wrong-panel"]);
    expect(p.outbox.depth().total).toBe(2);
  });

  it("a leaf whose proof was tampered with is refused as bad-signature", () => {
    const { p, route, ackOf } = setUp();
    const refused = p.record("refused");
    const [, mine] = sealDownlinkAcks([ackOf("other", [3]), ackOf("p1", [p.seqs[0]!])], p.keys.centre);
    const env = parseEnvelope(mine!);
    if (!isBatched(env)) throw new Error("expected the batched form");
    const at = Buffer.from(mine!).indexOf(Buffer.from(env.proof.path[0]!)) + 31; // the last byte of the proof's one hash
    const bad = Uint8Array.from(mine!, (b, i) => (i === at ? b ^ 0x01 : b));
    route(bad);
    expect(refused.map((r) => r.code)).toEqual(["bad-signature"]);
    expect(p.outbox.depth().total).toBe(2);
  });

  it("a NAK in the batched form is refused as malformed: only ACKs are sealed in batches", () => {
    const { p, route, ackOf } = setUp();
    const refused = p.record("refused");
    const nak = encodeDownlinkPayload({ v: 1, panel: "p1", sent: p.clock.now(), nak: { seq: p.seqs[0]!, reason: "store-failed", ref: p.ref(p.seqs[0]!) } });
    const [frame] = signSign1Batch([nak, encodeDownlinkPayload(ackOf("other", [1]))], p.keys.centre.key, p.keys.centre.kid);
    route(frame!);
    expect(refused.map((r) => r.code)).toEqual(["malformed"]);
    expect(p.outbox.depth().total).toBe(2);
  });
});
