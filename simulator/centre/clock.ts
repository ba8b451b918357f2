/**
 * The clock port of the centre: wall time plus one-shot timers. Supervision deadlines and gap grace
 * periods run on it, so tests step a FakeClock across both sides of every deadline (STYLE.md).
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** UTC ms. */
  now(): number;
  /** Run `fn` once, `ms` from now. */
  setTimer(ms: number, fn: () => void): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    // Node caps setTimeout at 2^31-1 ms (~24.8 d); SP1's 32 days is longer, so chain timers.
    const MAX = 2 ** 31 - 1;
    let t: NodeJS.Timeout;
    const arm = (left: number) => {
      t = setTimeout(() => (left > MAX ? arm(left - MAX) : fn()), Math.min(left, MAX));
      t.unref();
    };
    arm(Math.max(0, ms));
    return { cancel: () => clearTimeout(t) };
  },
};
