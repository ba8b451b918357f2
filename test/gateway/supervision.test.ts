import { describe, expect, it } from "vitest";
import { Cid, openUplink, type UplinkPayload } from "../../protocol/index.js";
import { CATEGORIES, type CategoryName } from "../../protocol/supervision.js";
import { heartbeatSchedule } from "../../gateway/heartbeat-schedule.js";
import { harness, PANEL } from "./sim-harness.js";
import { burglary } from "./burglary.js";


function heartbeats(h: ReturnType<typeof harness>, broker = 0): (UplinkPayload & { heartbeat: unknown })[] {
  return h.brokers[broker]!.published
    .filter((p) => p.topic.endsWith("/up") && typeof p.payload !== "string")
    .map((p) => openUplink(p.payload as Uint8Array, h.centre.ring).payload)
    .filter((u): u is UplinkPayload & { heartbeat: unknown } => "heartbeat" in u);
}

describe("EN 50136 supervision heartbeats", () => {
  const single: CategoryName[] = ["SP2", "SP3", "SP4", "SP5", "SP6"];
  for (const name of single) {
    // 90 % of the reporting time (heartbeat-schedule.ts): the centre's deadline is the full time after receipt.
    const ms = heartbeatSchedule(name).intervalMs[0];
    it(`${name}: after the hello at connect, no heartbeat at ${ms - 1} ms of silence, one at ${ms} ms (reporting time ${CATEGORIES[name].primaryMs} ms)`, async () => {
      const h = harness({ category: name });
      await h.gw.start();
      h.clock.advance(1); // connected at t0+1: the hello heartbeat goes out and arms the supervision timer
      h.clock.advance(ms - 1);
      expect(heartbeats(h)).toHaveLength(1);
      h.clock.advance(1); // due; +1 ms publish latency
      h.clock.advance(1);
      expect(heartbeats(h)).toHaveLength(2);
      await h.gw.stop();
    });
  }

  it("SP1 (32 days) is in the table and drives the timer", async () => {
    const h = harness({ category: "SP1" });
    await h.gw.start();
    h.clock.advance(1);
    h.clock.advance(heartbeatSchedule("SP1").intervalMs[0] - 1);
    expect(heartbeats(h)).toHaveLength(1);
    h.clock.advance(2);
    expect(heartbeats(h)).toHaveLength(2);
    await h.gw.stop();
  });

  it("any uplink frame restarts the timer", async () => {
    const h = harness({ category: "SP5" });
    await h.gw.start();
    h.clock.advance(1);
    h.clock.advance(60_000);
    h.gw.report(burglary(1)); // sent now: the next heartbeat is due 81 s (90 % of SP5's 90 s) after this
    h.clock.advance(80_999);
    expect(heartbeats(h)).toHaveLength(1); // the hello
    h.clock.advance(2);
    expect(heartbeats(h)).toHaveLength(2);
    await h.gw.stop();
  });

  it("a heartbeat carries the summary status and the outbox depth, and takes a sequence number from the shared counter", async () => {
    const h = harness({ category: "SP6" });
    await h.gw.start();
    h.clock.advance(1);
    h.areas.push({ area: 2, mode: "disarmed" });
    h.centre.mode = { kind: "nak", reason: "unknown-key", times: 1 };
    h.gw.report(burglary(1)); // seq 1 (the hello took 0): refused for good, parked, still waiting
    h.clock.advance(20_010);
    const hb = heartbeats(h);
    expect(hb.map((x) => x.seq)).toEqual([0, 2]);
    expect(hb[1]!.heartbeat).toEqual({ areas: [{ area: 1, mode: "away" }, { area: 2, mode: "disarmed" }], troubles: [], outbox: 1 });
    await h.gw.stop();
  });

  it("DP4: the alternative path is supervised on its own time (5 h reporting, a heartbeat at 4.5 h), the primary on 90 s (at 81 s)", async () => {
    const h = harness({ paths: 2, category: "DP4" });
    await h.gw.start();
    h.clock.advance(1);
    h.clock.advance(4.5 * 3600 * 1000 + 1);
    // The hello goes on the active (primary) path only: the idle alternative's first heartbeat is at 4.5 h.
    const viaAlt = heartbeats(h, 1);
    expect(viaAlt).toHaveLength(1);
    // Primary: the hello, one per 81 s, and the alternative's heartbeat (stored, so also delivered there).
    const viaPrimary = heartbeats(h, 0).map((x) => x.seq);
    expect(viaPrimary.length).toBe(1 + Math.floor((4.5 * 3600 * 1000) / 81_000) + 1);
    expect(viaPrimary).toContain(viaAlt[0]!.seq);
    await h.gw.stop();
  });
});

describe("EN 50136-1 dual path (switch within the category time, report 351/352, go back)", () => {
  it("moves traffic to the alternative when the primary fails, reports 351, and goes back with a restore", async () => {
    const h = harness({ paths: 2, category: "DP3" });
    await h.gw.start();
    h.clock.advance(1);
    expect(h.gw.activePath).toBe(0);
    const killedAt = h.clock.now();
    h.brokers[0]!.kill();
    expect(h.gw.activePath).toBe(1);
    expect(h.linkCalls).toEqual([true]); // the link as a whole never went down
    const seq = h.gw.report(burglary(5));
    h.clock.advance(5);
    const viaAlt = h.brokers[1]!.published.filter((p) => p.topic.endsWith("/up")).map((p) => openUplink(p.payload as Uint8Array, h.centre.ring).payload);
    expect(viaAlt.map((u) => u.seq)).toContain(seq);
    expect(h.clock.now() - killedAt).toBeLessThan(CATEGORIES.DP3.primaryMs);
    // Both waited for the hello on the alternative, then left in delivery order: the alarm first.
    expect(h.centre.events(PANEL).map((e) => [e.code, e.q])).toEqual([
      [Cid.Burglary, 1],
      [Cid.Path1Fault, 1],
    ]);
    h.brokers[0]!.revive();
    h.clock.advance(600); // backoff 500 ms + latency
    expect(h.gw.activePath).toBe(0);
    h.gw.report(burglary(6));
    h.clock.advance(5);
    expect(h.centre.events(PANEL).map((e) => [e.code, e.q]).slice(2)).toEqual([
      [Cid.Path1Fault, 3],
      [Cid.Burglary, 1],
    ]);
    const last = h.brokers[0]!.published.filter((p) => p.topic.endsWith("/up")).at(-1)!;
    expect(openUplink(last.payload as Uint8Array, h.centre.ring).payload).toMatchObject({ events: [{ zone: 6 }] });
    await h.gw.stop();
  });

  it("moves to the alternative when the primary's receiver stops acknowledging (connected but silent), and back once it answers", async () => {
    const h = harness({ paths: 2, category: "DP4" }); // primary 90 s: suspect after 45 s without an ACK
    await h.gw.start();
    h.clock.advance(1);
    h.centre.deaf.add(h.brokers[0]!.url); // the broker takes frames, nobody answers
    const t0 = h.clock.now();
    h.gw.report(burglary(7));
    h.clock.advance(44_000);
    expect(h.gw.activePath).toBe(0);
    expect(h.centre.events(PANEL)).toEqual([]);
    h.clock.advance(1_100); // the ACK timeout after 45 s of silence
    expect(h.gw.activePath).toBe(1);
    h.clock.advance(10);
    expect(h.clock.now() - t0).toBeLessThan(CATEGORIES.DP4.primaryMs);
    expect(h.centre.events(PANEL).map((e) => [e.code, e.q])).toEqual([
      [Cid.Burglary, 1],
      [Cid.Path1Fault, 1],
    ]);
    // The receiver answers again: the next primary heartbeat (90 s after its last frame) is acknowledged.
    h.centre.deaf.delete(h.brokers[0]!.url);
    h.clock.advance(90_000);
    expect(h.gw.activePath).toBe(0);
    h.clock.advance(10);
    expect(h.centre.events(PANEL).map((e) => [e.code, e.q]).at(-1)).toEqual([Cid.Path1Fault, 3]);
    await h.gw.stop();
  });

  it("goes back to the primary only once the frames in flight on a slow alternative are acknowledged (order within a class)", async () => {
    const h = harness({ paths: 2, category: "DP3", latencies: [1, 200] });
    await h.gw.start();
    h.clock.advance(1);
    h.brokers[0]!.kill(); // primary retries (random 0.5): refused at 502 and 1,503; the next try at 3,503
    h.clock.advance(3399); // t = 3,400: on the alternative, its hello long acknowledged
    expect(h.gw.activePath).toBe(1);
    for (let z = 1; z <= 3; z++) h.gw.report(burglary(z)); // 400 ms round trip on the alternative
    h.brokers[0]!.revive();
    h.clock.advance(110); // t = 3,510: the primary is up again, the frames are still travelling
    expect(h.panelConnected(0)).toBe(1);
    expect(h.gw.activePath).toBe(1);
    for (let z = 4; z <= 6; z++) h.gw.report(burglary(z)); // held back: nothing new on the old path
    h.clock.advance(300); // t = 3,810: the ACKs came back at 3,800; switched, hello, the rest
    expect(h.gw.activePath).toBe(0);
    h.clock.advance(10);
    expect(h.centre.events(PANEL).filter((e) => e.code === Cid.Burglary).map((e) => e.zone)).toEqual([1, 2, 3, 4, 5, 6]);
    const viaPrimary = h.brokers[0]!.published.filter((p) => p.topic.endsWith("/up") && typeof p.payload !== "string").map((p) => openUplink(p.payload as Uint8Array, h.centre.ring).payload);
    const burglariesViaPrimary = viaPrimary.flatMap((u) => ("events" in u ? u.events.filter((e) => e.code === Cid.Burglary).map((e) => e.zone) : []));
    expect(burglariesViaPrimary).toEqual([4, 5, 6]);
    await h.gw.stop();
  });

  it("reports 352 when the alternative path fails while the primary carries traffic", async () => {
    const h = harness({ paths: 2, category: "DP2" });
    await h.gw.start();
    h.clock.advance(1);
    h.brokers[1]!.kill();
    h.clock.advance(5);
    expect(h.gw.activePath).toBe(0);
    expect(h.centre.events(PANEL).map((e) => [e.code, e.q])).toEqual([[Cid.Path2Fault, 1]]);
    await h.gw.stop();
  });
});

describe("link loss", () => {
  it("tells the panel at once, and the centre once back: 350 at the loss and its restore, giving the outage length", async () => {
    const h = harness();
    await h.gw.start();
    h.clock.advance(1);
    expect(h.linkCalls).toEqual([true]);
    const lostAt = h.clock.now();
    h.brokers[0]!.kill();
    expect(h.linkCalls).toEqual([true, false]);
    h.gw.report(burglary(2));
    h.clock.advance(30_000);
    h.brokers[0]!.revive();
    h.clock.advance(60_000);
    expect(h.linkCalls).toEqual([true, false, true]);
    const ev = h.centre.events(PANEL);
    expect(ev.map((e) => [e.code, e.q])).toEqual([
      [Cid.Burglary, 1],
      [Cid.CommTrouble, 1],
      [Cid.CommTrouble, 3],
    ]);
    const outage = ev[2]!.at - ev[1]!.at;
    expect(ev[1]!.at).toBe(lostAt);
    expect(outage).toBeGreaterThanOrEqual(30_000);
    expect(outage).toBeLessThanOrEqual(30_000 + 8000);
    await h.gw.stop();
  });

  it("leaves the 350 pair to the panel core when commTroubleEvents is false (the panel reports it from onLink)", async () => {
    const h = harness({ overrides: { commTroubleEvents: false } });
    await h.gw.start();
    h.clock.advance(1);
    h.brokers[0]!.kill();
    h.gw.report(burglary(2));
    h.clock.advance(1000);
    h.brokers[0]!.revive();
    h.clock.advance(10_000);
    expect(h.linkCalls).toEqual([true, false, true]);
    expect(h.centre.events(PANEL).map((e) => e.code)).toEqual([Cid.Burglary]);
    await h.gw.stop();
  });

  it("declares the link lost when it never comes up within the reporting time after start", async () => {
    const h = harness({ category: "SP6" });
    h.brokers[0]!.kill();
    await h.gw.start();
    h.clock.advance(19_999);
    expect(h.linkCalls).toEqual([]);
    h.clock.advance(1);
    expect(h.linkCalls).toEqual([false]);
    await h.gw.stop();
  });
});

describe("panel hooks that fail", () => {
  it("a status() that throws still lets the heartbeat go (empty summary), and an onLink that throws does not stop the link", async () => {
    const logs: string[] = [];
    const h = harness({
      category: "SP6",
      overrides: {
        status: () => {
          throw new Error("sensor bus down");
        },
        onLink: () => {
          throw new Error("keypad offline");
        },
        log: (_level, msg) => logs.push(msg),
      },
    });
    await h.gw.start();
    h.clock.advance(25_000);
    const hb = heartbeats(h);
    expect(hb.length).toBe(2);
    expect(hb[1]!.heartbeat).toEqual({ areas: [], troubles: [], outbox: 0 });
    expect(logs.some((l) => l.includes("sensor bus down"))).toBe(true);
    expect(logs.some((l) => l.includes("keypad offline"))).toBe(true);
    h.gw.report(burglary(1));
    h.clock.advance(10);
    expect(h.centre.events(PANEL)).toHaveLength(1);
    await h.gw.stop();
  });
});
