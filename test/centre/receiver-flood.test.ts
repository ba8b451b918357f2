/**
 * Fairness at the receiver, on the simulated broker and a FakeClock: a panel flooding junk frames (its
 * broker login, not its frame key) cannot delay another panel's alarm beyond a bound stated in frames,
 * and is reported once per episode as a "flooding" alarm for the operator.
 */
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import { generateEd25519, openDownlink, privateKeyFromPem, publicKeyFromPem, sealUplink, topics, type DownlinkPayload, type Signer } from "../../protocol/index.js";
import type { Connection } from "../../gateway/transport.js";
import { SimBroker, simConnector } from "../../simulator/board/sim-connector.js";
import { Receiver } from "../../simulator/centre/receiver/receiver.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";

const centreKey = generateEd25519();
const centre: Signer = { kid: "centre-1", key: privateKeyFromPem(centreKey.privatePem) };
const turn = () => new Promise<void>((r) => setImmediate(r));

function rig(flood?: { burst?: number; perSecond?: number }, maxBatch?: number) {
  const clock = new FakeClock();
  const broker = new SimBroker("mqtt://sim:1883", clock);
  const connector = simConnector([broker]);
  const store = CentreStore.open(":memory:");
  const signers = new Map<string, Signer>();
  for (const panel of ["P1", "P2"]) {
    const k = generateEd25519();
    store.registry.addPanel(panel, "SP4", clock.now());
    store.registry.addFrameKey(`k-${panel}`, panel, k.publicPem, clock.now());
    signers.set(panel, { kid: `k-${panel}`, key: privateKeyFromPem(k.privatePem) });
  }
  const r = new Receiver({ url: broker.url, store, centreKey: centre, name: "r", connector, clock, supervise: false, ...(flood ? { flood } : {}), ...(maxBatch ? { maxBatch } : {}) });
  const client = (id: string, downlinks: DownlinkPayload[] = []): Connection =>
    connector(
      { url: broker.url },
      { clientId: id, keepaliveS: 60, sessionExpiryS: 60, will: { topic: topics.status(id.split(":")[0]!), payload: "offline" }, subscribe: topics.down(id.split(":")[0]!) },
      { up: () => {}, down: () => {}, message: (_t, m) => downlinks.push(openDownlink(m, { centre: { kid: centre.kid, key: publicKeyFromPem(centreKey.publicPem) }, panel: id.split(":")[0]! })) },
    );
  const frame = (panel: string, seq: number, signer = signers.get(panel)!) =>
    sealUplink({ v: 1, panel, seq, sent: clock.now(), events: [{ code: 130, q: 1, area: 1, zone: 3, at: clock.now() }] }, signer);
  /** A frame carrying P1's kid and its next seq, signed with a key the attacker made up. */
  const rogue: Signer = { kid: "k-P1", key: privateKeyFromPem(generateEd25519().privatePem) };
  const junk = (seq: number) => frame("P1", seq, rogue);
  return { clock, broker, store, r, client, frame, junk };
}

async function started(t: ReturnType<typeof rig>): Promise<void> {
  const p = t.r.start();
  t.clock.advance(1);
  await p;
}

/** Stop the receiver: its clean disconnect crosses the simulated broker, on the fake clock. */
async function stopped(t: ReturnType<typeof rig>): Promise<void> {
  const s = t.r.stop();
  for (let i = 0; i < 10; i++) {
    t.clock.advance(1);
    await turn();
  }
  await s;
  t.store.close();
}

describe("receiver fairness: a flooding panel does not delay another panel's alarm", () => {
  it("5,000 junk frames/s from P1: P2's alarm is handled after at most burst + perSecond * t verified junk frames; one flooding alarm", async () => {
    const t = rig({ burst: 20, perSecond: 1 });
    await started(t);
    const attacker = t.client("P1:x");
    const p2down: DownlinkPayload[] = [];
    const p2 = t.client("P2", p2down);
    t.clock.advance(1);
    let verifiedJunk = 0;
    let junkWhenAlarmStored: number | undefined;
    const floods: string[] = [];
    t.r.on("dropped", (topic, code) => topic === topics.up("P1") && code === "bad-signature" && verifiedJunk++);
    t.r.on("stored", (panel) => panel === "P2" && (junkWhenAlarmStored ??= verifiedJunk));
    t.r.on("flooding", (panel) => floods.push(panel));
    const t0 = t.clock.now();
    let alarmAt = 0;
    for (let ms = 0; ms < 1000; ms++) {
      for (let k = 0; k < 5; k++) attacker.publish(topics.up("P1"), t.junk(1000 + ms * 5 + k), false);
      if (ms === 500) {
        p2.publish(topics.up("P2"), t.frame("P2", 0), false);
        alarmAt = t.clock.now() - t0;
      }
      t.clock.advance(1);
      await turn();
    }
    t.clock.advance(2);
    await turn();
    // Stated in frames: the budget by the time the alarm arrived (burst + perSecond * seconds elapsed).
    expect(junkWhenAlarmStored).toBeDefined();
    expect(junkWhenAlarmStored!).toBeLessThanOrEqual(20 + Math.ceil(alarmAt / 1000));
    expect(p2down.flatMap((d) => ("ack" in d ? d.ack.seqs : []))).toEqual([0]);
    // Over the whole second: 5,000 junk frames, at most 21 of them verified; the rest dropped unverified.
    expect(verifiedJunk).toBeLessThanOrEqual(21);
    expect(t.r.intakeStats.overBudget + t.r.intakeStats.queueFull + verifiedJunk).toBe(5000);
    expect(t.r.stats.naks).toBe(0);
    expect(floods).toEqual(["P1"]);
    const alarms = t.store.alarms.list().filter((a) => a.kind === "flooding");
    expect(alarms.map((a) => [a.panel, a.state])).toEqual([["P1", "new"]]);
    await stopped(t);
  });

  it("round-robin alone (no budget): with 64 junk frames queued ahead, P2's alarm is taken second and committed with its turn (at most maxBatch frames)", async () => {
    const t = rig({ burst: 1e9, perSecond: 1e9 }, 16);
    await started(t);
    const attacker = t.client("P1:x");
    const p2 = t.client("P2");
    t.clock.advance(1);
    const order: string[] = [];
    let junk = 0;
    t.r.on("dropped", () => (order.push("junk"), junk++));
    t.r.on("stored", (panel) => order.push(panel));
    let junkBeforeAlarm: number | undefined;
    t.r.on("stored", (panel) => panel === "P2" && (junkBeforeAlarm ??= junk));
    for (let i = 0; i < 64; i++) attacker.publish(topics.up("P1"), t.junk(i), false);
    p2.publish(topics.up("P2"), t.frame("P2", 0), false);
    t.clock.advance(2); // panel -> broker -> receiver: all 65 reach the receiver in one read
    for (let i = 0; i < 10 && order.length < 65; i++) await turn();
    // A FIFO would have verified all 64 first; in turn, one of them is taken before it, and the turn
    // (maxBatch = 16 frames) is committed together.
    expect(junkBeforeAlarm).toBeLessThanOrEqual(16 - 1);
    expect(order.filter((o) => o === "junk")).toHaveLength(64);
    await stopped(t);
  });

  it("a new episode after 20 s quiet is reported again; the real panel's frames get through once the flood stops", async () => {
    const t = rig({ burst: 20, perSecond: 1 });
    await started(t);
    const attacker = t.client("P1:x");
    const p1down: DownlinkPayload[] = [];
    const p1 = t.client("P1", p1down);
    t.clock.advance(1);
    const floods: number[] = [];
    t.r.on("flooding", (_p, id) => floods.push(id));
    const burst = async (n: number) => {
      for (let i = 0; i < n; i++) attacker.publish(topics.up("P1"), t.junk(i), false);
      t.clock.advance(2);
      await turn();
      await turn();
    };
    await burst(30);
    expect(floods).toHaveLength(1);
    t.clock.advance(19_990); // bucket not yet full again: same episode
    await burst(30);
    expect(floods).toHaveLength(1);
    t.clock.advance(20_000);
    p1.publish(topics.up("P1"), t.frame("P1", 7), false);
    t.clock.advance(2);
    await turn();
    t.clock.advance(2);
    expect(p1down.flatMap((d) => ("ack" in d ? d.ack.seqs : []))).toEqual([7]);
    await burst(30);
    expect(floods).toHaveLength(2);
    // The second episode joins the operator's open alarm: one alarm, two episodes in its log.
    expect(new Set(floods).size).toBe(1);
    expect(t.store.alarms.list().filter((a) => a.kind === "flooding")).toHaveLength(1);
    await stopped(t);
  });
});
