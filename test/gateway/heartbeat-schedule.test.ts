import { describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import { CATEGORIES } from "../../protocol/supervision.js";
import { heartbeatSchedule, HeartbeatTimer } from "../../gateway/heartbeat-schedule.js";

const S = 1000;
const H = 3600 * S;

describe("heartbeat schedule per EN 50136 category and path", () => {
  it("single path: a heartbeat at 90 % of the primary's reporting time (10 % for the way to the centre); an alternative (if any) on the same time", () => {
    const s = heartbeatSchedule("SP4");
    expect(s.intervalMs).toEqual([162 * S, 162 * S]);
    expect(s.graceMs).toBe(180 * S);
    expect(heartbeatSchedule("SP6").intervalMs).toEqual([18 * S, 18 * S]);
  });

  it("dual path: each path at 90 % of its own reporting time (DP4: 90 s primary, 5 h alternative)", () => {
    expect(heartbeatSchedule("DP4").intervalMs).toEqual([81 * S, 4.5 * H]);
    for (const name of ["DP1", "DP2", "DP3", "DP4"] as const) {
      const cat = CATEGORIES[name];
      expect(heartbeatSchedule(name).intervalMs).toEqual([cat.primaryMs * 0.9, cat.alternativeMs * 0.9]);
    }
  });

  it("overrides are the intervals themselves, per path", () => {
    expect(heartbeatSchedule("DP4", { primary: 10 * S }).intervalMs).toEqual([10 * S, 4.5 * H]);
    expect(heartbeatSchedule("DP4", { alternative: 20 * S }).intervalMs).toEqual([81 * S, 20 * S]);
    expect(heartbeatSchedule("SP4", { primary: 10 * S }).intervalMs).toEqual([10 * S, 10 * S]);
  });

  it("a path is suspect after half its reporting time without an ACK", () => {
    expect(heartbeatSchedule("DP4").failAfterMs).toEqual([45 * S, 2.5 * H]);
  });

  it("keepalive is a third of the primary's time, clamped to 5..60 s", () => {
    expect(heartbeatSchedule("SP6").keepaliveS).toBe(6); // 20 s / 3 -> 6 s
    expect(heartbeatSchedule("SP6", { primary: 14_999 }).keepaliveS).toBe(5); // 4 s -> floor 5
    expect(heartbeatSchedule("SP5").keepaliveS).toBe(30);
    expect(heartbeatSchedule("SP4").keepaliveS).toBe(60);
    expect(heartbeatSchedule("SP1").keepaliveS).toBe(60);
  });

  it("reconnect backoff cap: half the primary's time, at most 60 s, at least 1 s", () => {
    expect(heartbeatSchedule("SP6").backoffCapMs).toBe(10 * S);
    expect(heartbeatSchedule("SP4").backoffCapMs).toBe(60 * S);
    expect(heartbeatSchedule("SP6", { primary: 1500 }).backoffCapMs).toBe(1000);
  });
});

describe("heartbeat timer: due one interval after the last frame", () => {
  it("not due at 89,999 ms, due at 90,000 ms", () => {
    const clock = new FakeClock();
    let due = 0;
    const t = new HeartbeatTimer(clock, 90 * S, () => due++);
    t.restart();
    clock.advance(90 * S - 1);
    expect(due).toBe(0);
    expect(t.running).toBe(true);
    clock.advance(1);
    expect(due).toBe(1);
    expect(t.running).toBe(false);
  });

  it("any frame restarts it: the interval counts from the last restart", () => {
    const clock = new FakeClock();
    let due = 0;
    const t = new HeartbeatTimer(clock, 90 * S, () => due++);
    t.restart();
    clock.advance(60 * S);
    t.restart();
    clock.advance(90 * S - 1);
    expect(due).toBe(0);
    clock.advance(1);
    expect(due).toBe(1);
  });

  it("stopped (path down): never due", () => {
    const clock = new FakeClock();
    let due = 0;
    const t = new HeartbeatTimer(clock, 90 * S, () => due++);
    t.restart();
    t.stop();
    clock.advance(10 * 90 * S);
    expect(due).toBe(0);
    expect(t.running).toBe(false);
  });
});
