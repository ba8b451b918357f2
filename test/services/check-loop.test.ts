/** The supervisors' timer loop: one round at a time, a failed round reported and tried again after RETRY_MS. */
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import { CheckLoop, RETRY_MS } from "../../simulator/centre/services/check-loop.js";

describe("CheckLoop", () => {
  it("a round that fails is reported and tried again at RETRY_MS, not 1 ms before", async () => {
    const clock = new FakeClock();
    const errors: unknown[] = [];
    let calls = 0;
    const loop = new CheckLoop(
      clock,
      async () => {
        calls++;
        if (calls === 1) throw new Error("database away");
      },
      async () => undefined,
      (e) => errors.push(e),
    );
    loop.start();
    await loop.idle();
    expect(errors).toHaveLength(1);
    expect(calls).toBe(1);
    await clock.advanceSettling(RETRY_MS - 1, () => loop.idle());
    expect(calls).toBe(1);
    await clock.advanceSettling(1, () => loop.idle());
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
    await clock.advanceSettling(10 * RETRY_MS, () => loop.idle());
    expect(calls).toBe(2); // no deadline ahead: it sleeps until replanned
    loop.stop();
  });

  it("replans asked for during a round run once, after it; the next deadline is then slept on", async () => {
    const clock = new FakeClock();
    let inRound = 0;
    let most = 0;
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const loop = new CheckLoop(
      clock,
      async () => {
        calls++;
        most = Math.max(most, ++inRound);
        if (calls === 1) await gate;
        inRound--;
      },
      async () => 1_000,
    );
    loop.start();
    const replans = [loop.replan(), loop.replan(), loop.replan()];
    release();
    await Promise.all(replans);
    expect(calls).toBe(2);
    expect(most).toBe(1);
    await clock.advanceSettling(999, () => loop.idle());
    expect(calls).toBe(2);
    await clock.advanceSettling(1, () => loop.idle());
    expect(calls).toBe(3);
    loop.stop();
    await clock.advanceSettling(5_000, () => loop.idle());
    expect(calls).toBe(3);
  });
});
