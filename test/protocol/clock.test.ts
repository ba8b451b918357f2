/** The Clock port (protocol/clock.ts): one contract, run against the real clocks and the fake one. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeClock, systemClock, unrefSystemClock, type Clock } from "../../protocol/clock.js";

interface Subject {
  readonly clock: Clock;
  /** Let `ms` pass. */
  pass(ms: number): Promise<void>;
}

const real = (clock: Clock): Subject => ({ clock, pass: (ms) => new Promise((r) => setTimeout(r, ms)) });

const subjects: [string, () => Subject][] = [
  ["systemClock", () => real(systemClock)],
  ["unrefSystemClock", () => real(unrefSystemClock)],
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
    s.clock.schedule(20, () => fired.push(s.clock.now()));
    await s.pass(40);
    expect(fired).toHaveLength(1);
    expect(fired[0]! - t0).toBeGreaterThanOrEqual(20);
  });

  it("a cancelled timer never fires", async () => {
    const s = make();
    let fired = false;
    s.clock.schedule(10, () => (fired = true)).cancel();
    await s.pass(30);
    expect(fired).toBe(false);
  });

  it("never fires a timer synchronously, even when it is already due", async () => {
    const s = make();
    let fired = 0;
    s.clock.schedule(0, () => fired++);
    s.clock.schedule(-5, () => fired++);
    expect(fired).toBe(0);
    await s.pass(5);
    expect(fired).toBe(2);
  });
});

describe("FakeClock", () => {
  it("fires a timer exactly at its deadline, in deadline order, including timers set by timers", () => {
    const c = new FakeClock(0);
    const log: string[] = [];
    c.schedule(100, () => {
      log.push(`a@${c.now()}`);
      c.schedule(50, () => log.push(`c@${c.now()}`));
    });
    c.schedule(120, () => log.push(`b@${c.now()}`));
    c.advance(99);
    expect(log).toEqual([]);
    c.advance(1);
    expect(log).toEqual(["a@100"]);
    c.advance(100);
    expect(log).toEqual(["a@100", "b@120", "c@150"]);
    expect(c.now()).toBe(200);
  });

  it("a deadline: not fired at deadline - 1 ms, fired at the deadline (advanceTo)", () => {
    const c = new FakeClock(1_000);
    let fired = 0;
    c.schedule(1_500, () => fired++);
    c.advanceTo(2_499);
    expect(fired).toBe(0);
    expect(c.pending).toBe(1);
    c.advanceTo(2_500);
    expect(fired).toBe(1);
    expect(c.pending).toBe(0);
  });

  it("ties fire in creation order; a timer cancelled by an earlier one does not fire", () => {
    const c = new FakeClock(0);
    const log: string[] = [];
    c.schedule(10, () => {
      log.push("first");
      second.cancel();
    });
    const second = c.schedule(10, () => log.push("second"));
    c.schedule(10, () => log.push("third"));
    c.advance(10);
    expect(log).toEqual(["first", "third"]);
  });

  it("time never moves back", () => {
    const c = new FakeClock(500);
    c.advanceTo(100);
    expect(c.now()).toBe(500);
  });

  it("advanceSettling: a timer re-armed by asynchronous work fires at each due time; advance() passes it by", async () => {
    const settled = () => new Promise<void>((r) => setImmediate(r));
    /** A loop that checks every 100 ms, re-arming only after an awaited step (a database read). */
    const loop = (c: FakeClock, fired: number[]) => {
      const arm = (): void => {
        c.schedule(100, () => {
          const at = c.now();
          void Promise.resolve().then(() => (fired.push(at), arm()));
        });
      };
      arm();
    };
    const a = new FakeClock(0);
    const byAdvance: number[] = [];
    loop(a, byAdvance);
    a.advance(350);
    await settled();
    expect(byAdvance).toEqual([100]);

    const b = new FakeClock(0);
    const bySettling: number[] = [];
    loop(b, bySettling);
    await b.advanceSettling(350, settled);
    expect(bySettling).toEqual([100, 200, 300]);
    expect(b.now()).toBe(350);
    // Not fired at 399 ms, fired at 400 ms.
    await b.advanceSettling(49, settled);
    expect(bySettling).toEqual([100, 200, 300]);
    await b.advanceSettling(1, settled);
    expect(bySettling).toEqual([100, 200, 300, 400]);
  });
});

describe("systemClock (Node timers)", () => {
  afterEach(() => void vi.useRealTimers());

  it("chains past setTimeout's 2^31-1 ms cap: SP1's 32 days, not fired at deadline - 1 ms, fired at the deadline", () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    const ms = 32 * 24 * 3_600_000;
    let fired = 0;
    systemClock.schedule(ms, () => fired++);
    vi.advanceTimersByTime(ms - 1);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(1);
    expect(fired).toBe(1);
  });

  it("timers run on elapsed time: a wall-clock jump (NTP, a centre time-sync) neither hastens nor delays them", () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) });
    let fired = 0;
    systemClock.schedule(30_000, () => fired++);
    vi.setSystemTime(Date.UTC(2025, 11, 31, 23)); // the wall clock steps back an hour
    vi.advanceTimersByTime(29_999);
    expect(fired).toBe(0);
    vi.advanceTimersByTime(1);
    expect(fired).toBe(1);
    systemClock.schedule(30_000, () => fired++);
    vi.setSystemTime(Date.UTC(2026, 0, 2)); // and forward a day
    vi.advanceTimersByTime(29_999);
    expect(fired).toBe(1);
    vi.advanceTimersByTime(1);
    expect(fired).toBe(2);
  });

  it("systemClock's timers keep the process alive; unrefSystemClock's do not", () => {
    const refd = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const before = refd();
    const a = systemClock.schedule(60_000, () => {});
    expect(refd()).toBe(before + 1);
    const b = unrefSystemClock.schedule(60_000, () => {});
    expect(refd()).toBe(before + 1);
    a.cancel();
    b.cancel();
    expect(refd()).toBe(before);
  });
});
