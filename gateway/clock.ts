/**
 * The clock port: wall time and timers. The gateway never calls Date.now() or setTimeout directly,
 * so every deadline (ACK timeout, backoff, heartbeat) can be stepped with FakeClock in tests.
 */
export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** UTC milliseconds. */
  now(): number;
  /** Run `fn` once after `ms` milliseconds. */
  schedule(ms: number, fn: () => void): Timer;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms));
    return { cancel: () => clearTimeout(t) };
  },
};
