/** The Clock port: one contract, run against the system clock and the fake one. */
import { describe, expect, it } from "vitest";
import { systemClock, type Clock } from "../../simulator/centre/clock.js";
import { FakeClock } from "../../simulator/centre/fake-clock.js";

interface Subject {
  readonly clock: Clock;
  /** Let `ms` pass. */
  pass(ms: number): Promise<void>;
}

const subjects: [string, () => Subject][] = [
  ["systemClock", () => ({ clock: systemClock, pass: (ms) => new Promise((r) => setTimeout(r, ms)) })],
  [
    "FakeClock",
    () => {
      const clock = new FakeClock();
      return { clock, pass: async (ms) => clock.advance(ms) };
    },
  ],
];

describe.each(subjects)("Clock contract: %s", (_name, make) => {
  it("fires a timer once its time has passed, and time moves forward", async () => {
    const s = make();
    const t0 = s.clock.now();
    const fired: number[] = [];
    s.clock.setTimer(20, () => fired.push(s.clock.now()));
    await s.pass(40);
    expect(fired).toHaveLength(1);
    expect(fired[0]! - t0).toBeGreaterThanOrEqual(20);
  });

  it("a cancelled timer never fires", async () => {
    const s = make();
    let fired = false;
    s.clock.setTimer(10, () => (fired = true)).cancel();
    await s.pass(30);
    expect(fired).toBe(false);
  });
});

describe("FakeClock", () => {
  it("fires a timer exactly at its deadline, in deadline order, including timers set by timers", () => {
    const c = new FakeClock(0);
    const log: string[] = [];
    c.setTimer(100, () => {
      log.push(`a@${c.now()}`);
      c.setTimer(50, () => log.push(`c@${c.now()}`));
    });
    c.setTimer(120, () => log.push(`b@${c.now()}`));
    c.advance(99);
    expect(log).toEqual([]);
    c.advance(1);
    expect(log).toEqual(["a@100"]);
    c.advance(100);
    expect(log).toEqual(["a@100", "b@120", "c@150"]);
    expect(c.now()).toBe(200);
  });
});
