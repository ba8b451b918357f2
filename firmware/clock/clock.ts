/** The clock port: the only source of time for the runtime. The core never reads it; it gets `now`. */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  now(): number;
  /** Calls `fn` once when the clock reaches `at` (UTC ms); immediately-due timers still fire asynchronously. */
  setTimer(at: number, fn: () => void): TimerHandle;
  clearTimer(t: TimerHandle): void;
}
