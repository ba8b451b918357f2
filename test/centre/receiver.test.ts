/**
 * The alarm path through the embedded broker: verify, store, and only then ACK; NAK otherwise;
 * duplicates re-ACKed and never processed twice, also across receiver restarts and a crash between
 * storing and acknowledging.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { frameRef, sealUplink, signSign1 } from "../../protocol/index.js";
import { startBroker, type RunningBroker } from "../../simulator/centre/broker/broker.js";
import { passwordLogin } from "../../simulator/centre/broker/broker-login.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { Receiver } from "../../simulator/centre/receiver/receiver.js";
import { makeCentre, type CentreFixture } from "./fixture.js";
import { TestPanel, burglary } from "./test-panel.js";

let fx: CentreFixture;
let broker: RunningBroker;
let url: string;
const receiverLogin = { username: "receiver", password: "r-secret", identity: { role: "receiver" as const, name: "receivers" } };

beforeAll(async () => {
  fx = makeCentre([{ id: "P1" }, { id: "P2" }, { id: "P3" }, { id: "P4" }, { id: "P5" }]);
  const reg = fx.openStore();
  broker = await startBroker({ login: passwordLogin(reg.registry, [receiverLogin]) });
  url = `mqtt://127.0.0.1:${broker.port}`;
});
afterAll(async () => {
  await broker.close();
  fx.cleanup();
});

function receiver(name: string, store: CentreStore = fx.openStore()): Receiver {
  return new Receiver({ url, store, centreKey: fx.signer, name, connect: { username: receiverLogin.username, password: receiverLogin.password } });
}

async function panel(id: string, now?: () => number): Promise<TestPanel> {
  const p = fx.panels[id]!;
  return TestPanel.connect({ url, panel: id, signer: p.signer, centre: fx.centrePublic, connect: { username: id, password: p.bundle.password! }, ...(now ? { now } : {}) });
}

describe("receiver: store, then ACK", () => {
  it("acknowledges a frame only once it is durably stored, and processes it once", async () => {
    const store = fx.openStore();
    const r = receiver("a", store);
    const stored: number[] = [];
    r.on("stored", (_p, seq) => stored.push(seq));
    await r.start();
    const p = await panel("P1");
    const reader = fx.openStore(); // another connection: sees only what is committed
    let storedWhenAcked: boolean | undefined;
    r.on("acked", (_p, seqs) => (storedWhenAcked ??= seqs.every((s) => reader.frames.has("P1", s))));
    const seq = await p.deliver(burglary(3, Date.now()));
    expect(storedWhenAcked).toBe(true);
    // The same frame again (QoS 1 redelivery or a panel retransmission): re-ACKed, not processed again.
    const before = p.downlinks.length;
    await p.send(burglary(3, Date.now()), { seq });
    await p.until(() => p.downlinks.length > before);
    expect(stored).toEqual([seq]);
    expect(reader.frames.count("P1")).toBe(1);
    await p.close();
    await r.stop();
  });

  it("NAKs a stale frame with the centre's time so the panel can correct its clock", async () => {
    const r = receiver("b");
    await r.start();
    const p = await panel("P2");
    const sent = Date.now() - 41_000; // DC-09 window is -40 s / +20 s
    const t0 = Date.now();
    const seq = await p.send(burglary(1, sent), { sent });
    await p.until(() => p.naks.length > 0);
    expect(p.naks[0]).toMatchObject({ seq, reason: "stale" });
    expect(p.naks[0]!.centreTime).toBeGreaterThanOrEqual(t0);
    expect(p.naks[0]!.centreTime).toBeLessThanOrEqual(Date.now());
    // 19 s in the future is inside the window: stored and ACKed.
    const ok = await p.send(burglary(1, Date.now() + 19_000), { sent: Date.now() + 19_000 });
    await p.until(() => p.acked.has(ok));
    await p.close();
    await r.stop();
  });

  it("answers nothing to a frame that does not verify (another key, an unregistered kid), and NAKs an authentic wrong-panel frame naming it", async () => {
    const r = receiver("c");
    const dropped: string[] = [];
    r.on("dropped", (_t, code) => dropped.push(code));
    await r.start();
    const p = await panel("P3");
    const body = { v: 1 as const, panel: "P3", seq: 40, sent: Date.now(), ...burglary(2, Date.now()) };
    // A NAK read from an unverified frame's seq would let anyone able to publish here park P3's event 40.
    await p.sendRaw(sealUplink(body, { kid: fx.panels.P3!.signer.kid, key: fx.panels.P1!.signer.key }));
    await p.sendRaw(sealUplink({ ...body, seq: 41 }, { kid: "nobody", key: fx.panels.P3!.signer.key }));
    await expect.poll(() => dropped).toEqual(["bad-signature", "unknown-key"]);
    // Signed by P3's own key but naming another panel: authentic, so refused with a NAK naming that frame.
    const wrong = sealUplink({ ...body, panel: "P1", seq: 42 }, fx.panels.P3!.signer);
    await p.sendRaw(wrong);
    await p.until(() => p.naks.length >= 1);
    expect(p.naks).toEqual([expect.objectContaining({ seq: 42, reason: "wrong-panel", ref: frameRef(wrong) })]);
    await p.close();
    await r.stop();
  });

  it("drops a frame that cannot name a sequence number (nothing to NAK) and logs why", async () => {
    const r = receiver("d");
    const dropped: string[] = [];
    r.on("dropped", (_t, code) => dropped.push(code));
    await r.start();
    const p = await panel("P3");
    await p.sendRaw(new Uint8Array([1, 2, 3]));
    await p.sendRaw(signSign1(new Uint8Array([0xa0]), fx.panels.P3!.signer.key, fx.panels.P3!.signer.kid));
    await expect.poll(() => dropped).toEqual(["malformed", "malformed"]);
    expect(p.naks).toEqual([]);
    await p.close();
    await r.stop();
  });
});

describe("receiver: start-up", () => {
  it("refuses to start with a typed error when the broker refuses the login or the subscriptions", async () => {
    const badLogin = new Receiver({ url, store: fx.openStore(), centreKey: fx.signer, name: "bad", connect: { username: "receiver", password: "wrong" } });
    await expect(badLogin.start()).rejects.toMatchObject({ code: "broker-refused" });
    // A panel's credentials are not a receiver's rights: the shared uplink subscription is refused.
    const p1 = fx.panels.P1!;
    const asPanel = new Receiver({ url, store: fx.openStore(), centreKey: fx.signer, name: "x", connect: { username: "P1", password: p1.bundle.password! } });
    await expect(asPanel.start()).rejects.toMatchObject({ code: "broker-refused" });
    await expect(asPanel.start()).rejects.toMatchObject({ code: "bad-state" });
  });

  it("records a retained status published before the receiver started", async () => {
    const p = await panel("P2");
    await p.client.publishAsync("alarm/v1/P2/status", "online", { qos: 1, retain: true });
    const r = receiver("status");
    const seen: string[] = [];
    r.on("status", (panel, s) => seen.push(`${panel}:${s}`));
    await r.start();
    await expect.poll(() => seen).toContain("P2:online");
    await p.close();
    await r.stop();
  });
});

describe("receiver: no frame handled twice", () => {
  it("a receiver killed between storing and acknowledging: the panel retransmits, the next receiver re-ACKs without handling it again", async () => {
    const first = receiver("crash-1");
    const handled: string[] = [];
    first.on("stored", (_p, seq) => {
      handled.push(`first:${seq}`);
      first.kill(); // dies after the commit, before any ACK is published
    });
    await first.start();
    const p = await panel("P4");
    const delivery = p.deliver(burglary(9, Date.now()), 200);
    await expect.poll(() => handled.length).toBe(1);
    expect(p.acked.size).toBe(0);

    const second = receiver("crash-2");
    second.on("stored", (_p, seq) => handled.push(`second:${seq}`));
    const dups: number[] = [];
    second.on("duplicate", (_p, seq) => dups.push(seq));
    await second.start();
    const seq = await delivery;
    expect(handled).toEqual([`first:${seq}`]);
    expect(dups).toContain(seq);
    const check = fx.openStore();
    expect(check.frames.count("P4")).toBe(1);
    expect(check.alarms.list().filter((a) => a.panel === "P4")).toHaveLength(1);
    await p.close();
    await second.stop();
  });

  it("two receivers share the load through $share and nothing is handled twice", async () => {
    const a = receiver("share-a");
    const b = receiver("share-b");
    const seen = new Map<string, string[]>();
    for (const r of [a, b]) r.on("stored", (panel, seq) => seen.set(`${panel}:${seq}`, [...(seen.get(`${panel}:${seq}`) ?? []), r.name]));
    await Promise.all([a.start(), b.start()]);
    const panels = await Promise.all(["P1", "P2"].map((id) => panel(id)));
    const N = 100;
    for (const p of panels) for (let i = 0; i < N; i++) void p.send(burglary(1 + (i % 8), Date.now()), { seq: 1000 + i });
    await Promise.all(panels.map((p) => p.until(() => p.acked.size >= N, 15_000)));
    expect(seen.size).toBe(2 * N);
    expect([...seen.values()].every((rs) => rs.length === 1)).toBe(true);
    const byReceiver = [...seen.values()].flat();
    // Round-robin: each receiver got a real share.
    expect(byReceiver.filter((n) => n === "share-a").length).toBeGreaterThan(N / 2);
    expect(byReceiver.filter((n) => n === "share-b").length).toBeGreaterThan(N / 2);
    await Promise.all(panels.map((p) => p.close()));
    await Promise.all([a.stop(), b.stop()]);
  });
});

describe("receiver trace hook (protocol/trace.ts)", () => {
  it("names received, verified, stored and ack-signed for a frame, in that order, with its panel and seq", async () => {
    const marks: [string, string, number][] = [];
    const r = new Receiver({
      url,
      store: fx.openStore(),
      centreKey: fx.signer,
      name: "traced",
      connect: { username: receiverLogin.username, password: receiverLogin.password },
      trace: (stage, panelId, seq) => marks.push([stage, panelId, seq]),
    });
    await r.start();
    // A panel of its own: another test's P4 already stored other content under seq 0 (that would be NAKed seq-reused).
    const p = await panel("P5");
    const seq = await p.deliver(burglary(5, Date.now()));
    expect(marks.filter(([, id]) => id === "P5")).toEqual((["received", "verified", "stored", "ack-signed"] as const).map((stage) => [stage, "P5", seq]));
    await p.close();
    await r.stop();
  });
});
