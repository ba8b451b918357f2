/**
 * The receiver and a panel that numbers from 0 again (its outbox was lost), on the simulated broker and a
 * FakeClock: a resend of a stored frame is ACKed as a duplicate; other content under a stored seq is NAKed
 * `seq-reused` with `next` (the panel's highest stored seq + 1), stored nowhere, and raises ONE
 * "sequence restarted" trouble alarm per panel however many such frames come.
 */
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import { generateEd25519, openDownlink, privateKeyFromPem, publicKeyFromPem, sealUplink, topics, type DownlinkPayload, type Signer } from "../../protocol/index.js";
import { SimBroker, simConnector } from "../../simulator/board/sim-connector.js";
import { Receiver } from "../../simulator/centre/receiver/receiver.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";

const centreKey = generateEd25519();
const centre: Signer = { kid: "centre-1", key: privateKeyFromPem(centreKey.privatePem) };
const commitTurn = () => new Promise<void>((r) => setImmediate(r));

function rig() {
  const clock = new FakeClock();
  const broker = new SimBroker("mqtt://sim:1883", clock);
  const connector = simConnector([broker]);
  const store = CentreStore.open(":memory:");
  const k = generateEd25519();
  store.registry.addPanel("P1", "SP4", clock.now());
  store.registry.addFrameKey("k-P1", "P1", k.publicPem, clock.now());
  const signer: Signer = { kid: "k-P1", key: privateKeyFromPem(k.privatePem) };
  const downlinks: DownlinkPayload[] = [];
  const conn = connector(
    { url: broker.url },
    { clientId: "P1", keepaliveS: 60, sessionExpiryS: 60, will: { topic: topics.status("P1"), payload: "offline" }, subscribe: topics.down("P1") },
    {
      up: () => {},
      down: () => {},
      message: (_t, payload) => downlinks.push(openDownlink(payload, { centre: { kid: centre.kid, key: publicKeyFromPem(centreKey.publicPem) }, panel: "P1" })),
    },
  );
  /** Seal and publish a burglary frame: `at` is when the event happened. */
  const send = (seq: number, zone: number, at: number) =>
    conn.publish(topics.up("P1"), sealUplink({ v: 1, panel: "P1", seq, sent: clock.now(), events: [{ code: 130, q: 1, area: 1, zone, at }] }, signer), false);
  const receiver = new Receiver({ url: broker.url, store, centreKey: centre, name: "sim", connector, clock, supervise: false });
  /** Panel -> broker -> receiver, the commit, receiver -> broker -> panel. */
  const roundTrip = async () => {
    clock.advance(2);
    await commitTurn();
    await commitTurn();
    clock.advance(2);
  };
  return { clock, store, send, receiver, downlinks, roundTrip };
}

const open: CentreStore[] = [];
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

describe("receiver: a sequence number handed out again (fake time)", () => {
  it("same content again is ACKed as a duplicate; other content is NAKed seq-reused with next, stored nowhere, one trouble alarm", async () => {
    const t = rig();
    open.push(t.store);
    const start = t.receiver.start();
    t.clock.advance(1);
    await start;
    const t0 = t.clock.now();
    for (const [seq, zone] of [[0, 1], [1, 2], [2, 3]] as const) t.send(seq, zone, t0);
    await t.roundTrip();
    expect(t.downlinks.flatMap((d) => ("ack" in d ? d.ack.seqs : []))).toEqual([0, 1, 2]);
    const eventAlarms = t.store.alarms.list().length;

    // A resend (later `sent`, the same event): a duplicate, ACKed again.
    t.clock.advance(5_000);
    t.downlinks.length = 0;
    t.send(0, 1, t0);
    await t.roundTrip();
    expect(t.downlinks).toMatchObject([{ ack: { seqs: [0] } }]);

    // The panel lost its outbox: seq 0 and 1 again, other events.
    t.clock.advance(60_000);
    t.downlinks.length = 0;
    const naks: string[] = [];
    t.receiver.on("nak", (_p, seq, reason) => naks.push(`${seq}:${reason}`));
    t.send(0, 7, t.clock.now());
    await t.roundTrip();
    t.send(1, 8, t.clock.now());
    await t.roundTrip();
    expect(t.downlinks.map((d) => ("nak" in d ? d.nak : d))).toMatchObject([
      { seq: 0, reason: "seq-reused", next: 3 },
      { seq: 1, reason: "seq-reused", next: 3 },
    ]);
    expect(naks).toEqual(["0:seq-reused", "1:seq-reused"]);
    expect(t.store.frames.count("P1")).toBe(3);
    const alarms = t.store.alarms.list();
    expect(alarms).toHaveLength(eventAlarms + 1);
    expect(alarms.filter((a) => a.kind === "trouble")).toMatchObject([{ panel: "P1", key: "sequence-restarted", title: expect.stringContaining("sequence restarted") }]);

    // Renumbered from next: new to the centre, stored and ACKed, its alarm raised.
    t.downlinks.length = 0;
    t.send(3, 7, t.clock.now());
    await t.roundTrip();
    expect(t.downlinks).toMatchObject([{ ack: { seqs: [3] } }]);
    expect(t.store.frames.count("P1")).toBe(4);
    await t.receiver.stop();
  });
});
