/**
 * One signature per group commit: the receiver seals the ACKs of every panel in a commit under one
 * Ed25519 signature over a Merkle root (protocol/cose-batch.ts, RFC 9162 §2.1), one frame per panel, each
 * with its inclusion proof. On the simulated broker and a FakeClock.
 */
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import {
  generateEd25519,
  isBatched,
  openDownlink,
  parseEnvelope,
  privateKeyFromPem,
  publicKeyFromPem,
  sealUplink,
  topics,
  type ParsedEnvelope,
  type Signer,
} from "../../protocol/index.js";
import type { Connection } from "../../gateway/transport.js";
import { SimBroker, simConnector } from "../../simulator/board/sim-connector.js";
import { Receiver } from "../../simulator/centre/receiver/receiver.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { rejectionCode } from "../protocol/rejection-code.js";

const centreKey = generateEd25519();
const centre: Signer = { kid: "centre-1", key: privateKeyFromPem(centreKey.privatePem) };
const pinned = { kid: centre.kid, key: publicKeyFromPem(centreKey.publicPem) };
const commitTurn = () => new Promise<void>((r) => setImmediate(r));

interface Panel {
  readonly id: string;
  readonly conn: Connection;
  /** Downlink frames as they arrived, unopened. */
  readonly frames: Uint8Array[];
  /** Seal (once per seq) and publish the frame of this seq. */
  send(seq: number): void;
}

function rig() {
  const clock = new FakeClock();
  const broker = new SimBroker("mqtt://sim:1883", clock);
  const connector = simConnector([broker]);
  const store = CentreStore.open(":memory:");
  const panel = (id: string): Panel => {
    const k = generateEd25519();
    store.registry.addPanel(id, "SP4", clock.now());
    store.registry.addFrameKey(`k-${id}`, id, k.publicPem, clock.now());
    const signer = { kid: `k-${id}`, key: privateKeyFromPem(k.privatePem) };
    const frames: Uint8Array[] = [];
    const conn = connector(
      { url: broker.url },
      { clientId: id, keepaliveS: 60, sessionExpiryS: 60, will: { topic: topics.status(id), payload: "offline" }, subscribe: topics.down(id) },
      { up: () => {}, down: () => {}, message: (_t, payload) => frames.push(payload) },
    );
    // A seq sent again is the same frame, byte for byte (a resend from the outbox).
    const sealed = new Map<number, Uint8Array>();
    const send = (seq: number) => {
      if (!sealed.has(seq)) sealed.set(seq, sealUplink({ v: 1, panel: id, seq, sent: clock.now(), events: [{ code: 130, q: 1, area: 1, zone: 3, at: clock.now() }] }, signer));
      conn.publish(topics.up(id), sealed.get(seq)!, false);
    };
    return { id, conn, frames, send };
  };
  const receiver = new Receiver({ url: broker.url, store, centreKey: centre, name: "sim", connector, clock, supervise: false });
  return { clock, store, panel, receiver };
}

const stores: CentreStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

const sigHex = (p: ParsedEnvelope) => Buffer.from(p.signature).toString("hex");

describe("receiver: the ACKs of one commit under one signature", () => {
  it("a commit of frames from 3 panels sends 3 batched ACK frames with one signature, each opened by its panel only", async () => {
    const t = rig();
    stores.push(t.store);
    const started = t.receiver.start();
    t.clock.advance(1);
    await started;
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
    stores.push(t.store);
    const started = t.receiver.start();
    t.clock.advance(1);
    await started;
    const [a, b] = ["P1", "P2"].map(t.panel) as [Panel, Panel];
    t.clock.advance(1);
    const round = async (...sends: [Panel, number][]) => {
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
