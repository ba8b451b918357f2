import { describe, expect, it } from "vitest";
import { Cid, openUplink, Qualifier, type Event, type UplinkPayload } from "../../protocol/index.js";
import type { Gateway } from "../../gateway/gateway.js";
import { harness, PANEL } from "./sim-harness.js";
import { burglary } from "./burglary.js";

const openClose = (user: number, at = 1_700_000_000_000): Event => ({ code: Cid.OpenClose, q: Qualifier.Restore, area: 1, user, at });

/** Event frames (not heartbeats) published on a broker, in order. */
function uplinks(h: ReturnType<typeof harness>, broker = 0): UplinkPayload[] {
  return h.brokers[broker]!.published
    .filter((p) => p.topic.endsWith("/up") && typeof p.payload !== "string")
    .map((p) => openUplink(p.payload as Uint8Array, h.centre.ring).payload)
    .filter((u) => !("heartbeat" in u));
}

function hellos(h: ReturnType<typeof harness>): number[] {
  return h.brokers[0]!.published
    .filter((p) => p.topic.endsWith("/up") && typeof p.payload !== "string")
    .map((p) => openUplink(p.payload as Uint8Array, h.centre.ring).payload)
    .filter((u) => "heartbeat" in u)
    .map((u) => u.seq);
}

async function connected(h: ReturnType<typeof harness>) {
  await h.gw.start();
  h.clock.advance(5);
  expect(h.gw.activePath).toBe(0);
}

describe("delivery and ACK", () => {
  it("delivers a reported event and deletes it only on the centre's signed ACK, timing the round trip", async () => {
    const h = harness();
    await connected(h);
    const acked: { seq: number; rttMs: number }[] = [];
    h.gw.on("acked", (a) => acked.push(a));
    const seq = h.gw.report(burglary(3));
    expect(h.gw.depth().total).toBe(1);
    h.clock.advance(1);
    expect(h.gw.depth().total).toBe(1); // published, not yet acknowledged
    h.clock.advance(1);
    expect(acked).toEqual([{ seq, rttMs: 2 }]);
    expect(h.gw.depth().total).toBe(0);
    expect(h.centre.events(PANEL)).toEqual([{ seq, ...burglary(3) }]);
    await h.gw.stop();
  });

  it("retransmits the same sequence number with a fresh transmission time when the ACK does not come within the timeout (1,000 ms)", async () => {
    const h = harness();
    await connected(h);
    h.centre.mode = { kind: "silent" };
    const seq = h.gw.report(burglary(3));
    h.clock.advance(999);
    expect(uplinks(h).filter((u) => u.seq === seq)).toHaveLength(1);
    h.clock.advance(1);
    h.clock.advance(1); // publish latency
    const sent = uplinks(h).filter((u) => u.seq === seq);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.sent - sent[0]!.sent).toBe(1000);
    h.centre.mode = { kind: "ack" };
    h.clock.advance(1002);
    expect(h.gw.depth().total).toBe(0);
    expect(h.gw.metrics.retransmits).toBeDefined();
    expect((await h.gw.metrics.registry.getSingleMetric("gateway_retransmits_total")!.get()).values[0]!.value).toBe(2);
    await h.gw.stop();
  });

  it("keeps at most `window` frames in flight and refills as ACKs arrive", async () => {
    const h = harness({ overrides: { window: 4 } });
    await connected(h); // the hello (seq 0) is acknowledged: the window is open
    h.centre.mode = { kind: "silent" };
    for (let i = 1; i <= 10; i++) h.gw.report(burglary(i));
    h.clock.advance(1);
    expect(uplinks(h).map((u) => u.seq)).toEqual([1, 2, 3, 4]);
    h.centre.mode = { kind: "ack" };
    h.clock.advance(1000 + 20);
    expect(h.gw.depth().total).toBe(0);
    expect(h.centre.events(PANEL).map((e) => e.zone)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await h.gw.stop();
  });

  it("after a (re)connect sends nothing from the outbox until the hello heartbeat is acknowledged (resent with its seq)", async () => {
    const h = harness({ overrides: { window: 8 } });
    h.centre.mode = { kind: "silent" }; // e.g. a restarted broker the centre has not subscribed to yet
    for (let i = 1; i <= 5; i++) h.gw.report(burglary(i)); // seqs 0..4
    await h.gw.start();
    h.clock.advance(999);
    expect(hellos(h)).toEqual([5]);
    expect(uplinks(h)).toEqual([]);
    h.clock.advance(3); // connected at 1 ms: the retry leaves at 1,001 ms and arrives 1 ms later
    expect(hellos(h)).toEqual([5, 5]);
    h.centre.mode = { kind: "ack" };
    h.clock.advance(1000);
    h.clock.advance(10);
    expect(hellos(h)).toEqual([5, 5, 5]);
    // The five waited together: one batch frame under seq 0 carrying all five (protocol/event-batch.ts).
    expect(uplinks(h).map((u) => ("seqs" in u ? u.seqs : [u.seq]))).toEqual([[0, 1, 2, 3, 4]]);
    expect(h.centre.events(PANEL).map((e) => e.zone)).toEqual([1, 2, 3, 4, 5]);
    await h.gw.stop();
  });

  it("a hello left unanswered by a dropped connection is delivered later: no hole in the sequence numbers", async () => {
    const h = harness();
    h.centre.mode = { kind: "silent" };
    await h.gw.start();
    h.clock.advance(5); // hello seq 0 sent, never acknowledged
    h.brokers[0]!.kill();
    h.centre.mode = { kind: "ack" };
    h.brokers[0]!.revive();
    h.gw.report(burglary(1)); // seq 1 (the 350 of the loss takes 2)
    h.clock.advance(5000);
    const seqs = h.centre.storedSeqs(PANEL);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i));
    expect(seqs.length).toBeGreaterThanOrEqual(4); // hello 0, burglary, 350 pair, the new hello
    expect(h.gw.depth().total).toBe(0);
    await h.gw.stop();
  });

  it("an event the panel reports from inside onLink(true) still waits for the hello's ACK", async () => {
    const ref: { gw?: Gateway } = {};
    const h = harness({ overrides: { onLink: (up) => void (up && ref.gw!.report(openClose(9))) } });
    ref.gw = h.gw;
    h.centre.mode = { kind: "silent" };
    await h.gw.start();
    h.clock.advance(5);
    expect(hellos(h)).toEqual([0]);
    expect(uplinks(h)).toEqual([]);
    h.centre.mode = { kind: "ack" };
    h.clock.advance(1010);
    expect(uplinks(h).map((u) => u.seq)).toEqual([1]);
    await h.gw.stop();
  });

  it("after an ACK timeout resends only the first frame in delivery order; the others follow its ACK, in order", async () => {
    const h = harness({ overrides: { window: 8 } });
    await connected(h);
    h.centre.mode = { kind: "silent" };
    for (let i = 1; i <= 4; i++) h.gw.report(burglary(i)); // seqs 1..4, all sent at once
    h.clock.advance(1);
    expect(uplinks(h).map((u) => u.seq)).toEqual([1, 2, 3, 4]);
    h.clock.advance(1000); // all four time out: only seq 1 goes again
    expect(uplinks(h).map((u) => u.seq)).toEqual([1, 2, 3, 4, 1]);
    h.centre.mode = { kind: "ack" };
    h.clock.advance(1000); // seq 1 again, now acknowledged; 2..4 follow at once
    h.clock.advance(10);
    expect(uplinks(h).map((u) => u.seq)).toEqual([1, 2, 3, 4, 1, 1, 2, 3, 4]);
    expect(h.centre.events(PANEL).map((e) => e.zone)).toEqual([1, 2, 3, 4]);
    await h.gw.stop();
  });

  it("sends alarms before open/close already waiting", async () => {
    const h = harness({ overrides: { window: 1 } });
    h.gw.report(openClose(1));
    h.gw.report(openClose(2));
    h.gw.report(burglary(9));
    await connected(h);
    h.clock.advance(20);
    expect(h.centre.events(PANEL).map((e) => e.code)).toEqual([130, 401, 401]);
    await h.gw.stop();
  });
});

describe("NAK", () => {
  it("corrects the clock from a stale NAK's centre time and resends at once", async () => {
    const h = harness();
    await connected(h);
    const offsets: number[] = [];
    h.gw.on("clock", (c) => offsets.push(c.offsetMs));
    h.centre.skewMs = 120_000; // the centre's clock is now two minutes ahead: outside the DC-09 window
    const seq = h.gw.report(burglary(1));
    h.clock.advance(4);
    expect(offsets).toHaveLength(1);
    expect(Math.abs(offsets[0]! - 120_000)).toBeLessThanOrEqual(2);
    const sent = uplinks(h).filter((u) => u.seq === seq);
    expect(sent).toHaveLength(2);
    expect(Math.abs(sent[1]!.sent - h.centre.now())).toBeLessThanOrEqual(4);
    expect(h.gw.depth().total).toBe(0);
    await h.gw.stop();
  });

  it("a stale NAK of the hello corrects the clock and repeats the hello at once (no ACK-timeout wait)", async () => {
    const h = harness({ centreSkewMs: 120_000 });
    const seq = h.gw.report(burglary(1));
    await h.gw.start();
    h.clock.advance(10);
    expect(hellos(h)).toHaveLength(2);
    expect(h.centre.events(PANEL).map((e) => e.seq)).toEqual([seq]);
    await h.gw.stop();
  });

  it("parks a frame refused permanently, reports it, and does not resend it", async () => {
    const h = harness();
    await connected(h);
    const rejected: unknown[] = [];
    h.gw.on("rejected", (r) => rejected.push(r));
    h.centre.mode = { kind: "nak", reason: "bad-signature", times: 1 };
    const seq = h.gw.report(burglary(1));
    h.clock.advance(5000);
    expect(rejected).toEqual([{ seq, reason: "bad-signature" }]);
    expect(uplinks(h).filter((u) => u.seq === seq)).toHaveLength(1);
    expect(h.gw.depth().total).toBe(1);
    await h.gw.stop();
  });
});

describe("status topic", () => {
  it("publishes a retained online on connect, and the broker holds the retained offline Will when the link dies", async () => {
    const h = harness();
    await connected(h);
    const status = `alarm/v1/${PANEL}/status`;
    h.clock.advance(1);
    expect(h.brokers[0]!.retained.get(status)).toBe("online");
    h.brokers[0]!.kill();
    expect(h.brokers[0]!.retained.get(status)).toBe("offline");
    await h.gw.stop();
  });
});

describe("configuration", () => {
  it("refuses bad options and bad events with typed errors", async () => {
    expect(() => harness({ overrides: { panel: "bad/id" } })).toThrow(expect.objectContaining({ code: "bad-config" }));
    expect(() => harness({ overrides: { category: "DP2" } })).toThrow(expect.objectContaining({ code: "bad-config" }));
    expect(() => harness({ overrides: { window: 0 } })).toThrow(expect.objectContaining({ code: "bad-config" }));
    // maxWindow: from the window itself up to 1024.
    expect(() => harness({ overrides: { window: 8, maxWindow: 7 } })).toThrow(expect.objectContaining({ code: "bad-config" }));
    expect(() => harness({ overrides: { window: 8, maxWindow: 1025 } })).toThrow(expect.objectContaining({ code: "bad-config" }));
    await Promise.all([harness({ overrides: { window: 8, maxWindow: 8 } }).gw.stop(), harness({ overrides: { window: 8, maxWindow: 1024 } }).gw.stop()]);
    const h = harness();
    expect(() => h.gw.report({ code: Cid.Burglary, q: 1, area: 1, at: 0 } as Event)).toThrow(expect.objectContaining({ code: "bad-event" }));
    expect(() => h.gw.report({ code: 999, q: 1, area: 1, at: 0 } as Event)).toThrow(expect.objectContaining({ code: "bad-event" }));
    await h.gw.stop();
    expect(() => h.gw.report(burglary(1))).toThrow(expect.objectContaining({ code: "stopped" }));
  });

  it("a write the SQLite file cannot take is a storage GatewayError, never reported as stored", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "gw-ro-"));
    try {
      const h = harness({ db: join(dir, "gw.db") });
      h.gw.report(burglary(1));
      // Stand-in for an I/O failure: another connection holds an exclusive lock past the 1 s busy timeout.
      const Database = (await import("better-sqlite3")).default;
      const other = new Database(join(dir, "gw.db"), { timeout: 0 });
      other.exec("BEGIN EXCLUSIVE");
      expect(() => h.gw.report(burglary(2))).toThrow(expect.objectContaining({ code: "storage" }));
      other.exec("ROLLBACK");
      other.close();
      expect(h.gw.depth().total).toBe(1);
      await h.gw.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
