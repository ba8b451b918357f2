/**
 * Batch frames at the receiver (protocol/event-batch.ts), on the simulated broker and a FakeClock: one row
 * per event seq, one ACK per frame once all its events are stored, a regrouped resend stores nothing
 * twice and loses nothing, alarms only for events new to the centre, gap detection per event seq.
 */
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import { Cid, Qualifier, frameRef, generateEd25519, openDownlink, privateKeyFromPem, publicKeyFromPem, sealUplink, topics, type DownlinkPayload, type Event, type Signer } from "../../protocol/index.js";
import type { Connection } from "../../gateway/transport.js";
import { SimBroker, simConnector } from "../../simulator/board/sim-connector.js";
import type { LostEvents } from "../../simulator/centre/receiver/gap-detector.js";
import { Receiver } from "../../simulator/centre/receiver/receiver.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";

const centreKey = generateEd25519();
const centre: Signer = { kid: "centre-1", key: privateKeyFromPem(centreKey.privatePem) };
const PANEL = "P1";

/** Let the receiver's store port and gap checks (promises) run; time moves only on the fake clock. */
const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
};

const stores: CentreStore[] = [];
const receivers: Receiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) r.kill();
  for (const s of stores.splice(0)) s.close();
});

async function rig(opts: { gapGraceMs?: number } = {}) {
  const clock = new FakeClock(1_800_000_000_000);
  const broker = new SimBroker("mqtt://sim:1883", clock);
  const connector = simConnector([broker]);
  const store = CentreStore.open(":memory:");
  stores.push(store);
  const k = generateEd25519();
  store.registry.addPanel(PANEL, "SP4", clock.now());
  store.registry.addFrameKey("k1", PANEL, k.publicPem, clock.now());
  const signer: Signer = { kid: "k1", key: privateKeyFromPem(k.privatePem) };
  const receiver = new Receiver({ url: broker.url, store, centreKey: centre, name: "r1", connector, clock, supervise: false, gapGraceMs: opts.gapGraceMs ?? 60_000, intakeDefer: (fn) => fn() });
  receivers.push(receiver);
  const stored: number[] = [];
  const duplicates: number[] = [];
  const alarms: number[] = [];
  const lost: LostEvents[] = [];
  receiver.on("stored", (_p, seq) => stored.push(seq));
  receiver.on("duplicate", (_p, seq) => duplicates.push(seq));
  receiver.on("alarm", (id) => alarms.push(id));
  receiver.on("lost-events", (l) => lost.push(l));
  const starting = receiver.start();
  clock.advance(1);
  await starting;
  const downlinks: DownlinkPayload[] = [];
  const conn: Connection = connector(
    { url: broker.url },
    { clientId: PANEL, keepaliveS: 60, sessionExpiryS: 60, will: { topic: topics.status(PANEL), payload: "offline" }, subscribe: topics.down(PANEL) },
    { up: () => {}, down: () => {}, message: (_t, payload) => downlinks.push(openDownlink(payload, { centre: { kid: centre.kid, key: publicKeyFromPem(centreKey.publicPem) }, panel: PANEL })) },
  );
  clock.advance(1);
  /** Seal and publish a frame carrying `events` under `seqs` (a batch when more than one); returns its ref. */
  const send = async (seqs: number[], events: Event[]): Promise<string> => {
    const head = { v: 1 as const, panel: PANEL, seq: seqs[0]!, sent: clock.now(), events };
    const frame = sealUplink(seqs.length > 1 ? { ...head, seqs } : head, signer);
    conn.publish(topics.up(PANEL), frame, false);
    clock.advance(2);
    await turns();
    clock.advance(2);
    return frameRef(frame);
  };
  const acks = () => downlinks.flatMap((d) => ("ack" in d ? d.ack.seqs.map((s, i) => [s, d.ack.refs[i]] as const) : []));
  return { clock, store, receiver, send, acks, stored, duplicates, alarms, lost };
}

const burglary = (zone: number): Event => ({ code: Cid.Burglary, q: Qualifier.New, area: 1, zone, at: 1_800_000_000_000 });
const closing = (user: number): Event => ({ code: Cid.OpenClose, q: Qualifier.Restore, area: 1, user, at: 1_800_000_000_000 });

describe("receiver: batch frames stored per event seq, ACKed per frame", () => {
  it("a batch frame becomes one row per event under its own seq, and one ACK naming the frame's seq and ref", async () => {
    const t = await rig();
    const ref = await t.send([10, 11, 14], [closing(1), closing(2), closing(3)]);
    expect(t.stored).toEqual([10, 11, 14]);
    for (const s of [10, 11, 14]) expect(t.store.frames.has(PANEL, s)).toBe(true);
    expect(t.store.frames.count(PANEL)).toBe(3);
    expect(t.acks()).toEqual([[10, ref]]);
  });

  it("a regrouped resend with a partial overlap stores only the events not yet stored, and ACKs the new frame", async () => {
    const t = await rig();
    const first = await t.send([10, 11], [closing(1), closing(2)]);
    const regrouped = await t.send([10, 11, 12, 13], [closing(1), closing(2), closing(3), closing(4)]);
    expect(t.stored).toEqual([10, 11, 12, 13]);
    expect(t.duplicates).toEqual([10, 11]);
    expect(t.store.frames.count(PANEL)).toBe(4);
    expect(t.acks()).toEqual([
      [10, first],
      [10, regrouped],
    ]);
  });

  it("a resend of events all stored already (any grouping) is re-ACKed and stores nothing", async () => {
    const t = await rig();
    await t.send([10, 11, 12], [closing(1), closing(2), closing(3)]);
    const again = await t.send([11, 12], [closing(2), closing(3)]);
    const single = await t.send([12], [closing(3)]);
    expect(t.store.frames.count(PANEL)).toBe(3);
    expect(t.duplicates).toEqual([11, 12, 12]);
    expect(t.acks().slice(1)).toEqual([
      [11, again],
      [12, single],
    ]);
  });

  it("alarms are raised only for events new to the centre", async () => {
    const t = await rig();
    await t.send([20, 21], [burglary(1), burglary(2)]);
    expect(t.alarms).toHaveLength(2);
    await t.send([20, 21, 22], [burglary(1), burglary(2), burglary(5)]);
    expect(t.alarms).toHaveLength(3);
    expect(t.store.alarms.list().map((a) => a.title).sort()).toEqual(["burglary zone 1 area 1", "burglary zone 2 area 1", "burglary zone 5 area 1"]);
  });

  it("gap detection stays per event seq: a hole between a batch's seqs is reported once the grace period has passed, not before", async () => {
    const t = await rig({ gapGraceMs: 1000 });
    await t.send([0, 1, 3], [closing(1), closing(2), closing(3)]);
    await t.send([4, 5], [closing(4), closing(5)]);
    t.clock.advance(990);
    await turns();
    expect(t.lost).toEqual([]);
    t.clock.advance(20);
    await turns();
    expect(t.lost.map((l) => [l.from, l.to])).toEqual([[2, 2]]);
  });
});
