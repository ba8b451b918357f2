/**
 * The clock port: wall time plus one-shot timers, shared by panel, gateway and centre. Time is part of the
 * wire contract (freshness windows, command expiry, supervision deadlines), so every side reads it through
 * this one interface, and tests step a FakeClock across both sides of each deadline.
 */
export interface Timer {
  /** Stops the timer; a no-op once it has fired or been cancelled. */
  cancel(): void;
}

export interface Clock {
  /** UTC ms. */
  now(): number;
  /** Runs `fn` once, `ms` from now (a negative `ms` counts as 0); never synchronously from inside the call. */
  schedule(ms: number, fn: () => void): Timer;
}

export interface SystemClockOptions {
  /**
   * Let the process exit while timers are pending (Node's timer.unref()). The centre's supervision
   * deadlines (up to SP1's 32 days) must not keep it alive; the panel's and gateway's timers must.
   */
  readonly unref?: boolean;
}

/** Node caps setTimeout at 2^31-1 ms (~24.8 days); SP1's 32 days is longer, so long timers are chained. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Wall-clock time on Date.now(); timers run on elapsed (monotonic) time, performance.now(). A panel
 * without a real-time clock boots with a wrong date and is corrected later (NTP, a centre NAK): a timer
 * due at a wall-clock instant would then fire far too early or too late, while "in 30 s" stays 30 s.
 */
export function createSystemClock(opts: SystemClockOptions = {}): Clock {
  return {
    now: () => Date.now(),
    schedule(ms, fn) {
      const due = performance.now() + Math.max(0, ms);
      let t: NodeJS.Timeout | undefined;
      const arm = () => {
        const left = due - performance.now();
        t = setTimeout(() => (performance.now() < due - 1 ? arm() : fn()), Math.min(Math.max(0, Math.ceil(left)), MAX_TIMEOUT_MS));
        if (opts.unref) t.unref();
      };
      arm();
      return { cancel: () => clearTimeout(t) };
    },
  };
}

/** The real clock; its pending timers keep the process alive (panel runtime, gateway). */
export const systemClock: Clock = createSystemClock();

/** The real clock with unref'd timers: pending timers never hold the process open (centre supervision). */
export const unrefSystemClock: Clock = createSystemClock({ unref: true });

interface Pending {
  readonly at: number;
  readonly order: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/** Virtual time for tests and the simulator: nothing happens until advance()/advanceTo(). */
export class FakeClock implements Clock {
  #t: number;
  #order = 0;
  #pending: Pending[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#t = start;
  }

  now(): number {
    return this.#t;
  }

  schedule(ms: number, fn: () => void): Timer {
    const p: Pending = { at: this.#t + Math.max(0, ms), order: this.#order++, fn, cancelled: false };
    this.#pending.push(p);
    return { cancel: () => void (p.cancelled = true) };
  }

  /** Moves time forward by `ms`, firing every timer due on the way (see advanceTo). */
  advance(ms: number): void {
    this.advanceTo(this.#t + ms);
  }

  /**
   * Moves time forward to `target` (never back), firing every timer due up to and including it in due
   * order, ties in creation order; timers set by those callbacks fire too if due. During a callback,
   * now() is the timer's due time.
   */
  advanceTo(target: number): void {
    for (;;) {
      this.#pending = this.#pending.filter((p) => !p.cancelled);
      let next: Pending | undefined;
      for (const p of this.#pending) if (p.at <= target && (!next || p.at < next.at || (p.at === next.at && p.order < next.order))) next = p;
      if (!next) break;
      next.cancelled = true;
      this.#t = Math.max(this.#t, next.at);
      next.fn();
    }
    this.#t = Math.max(this.#t, target);
  }

  /**
   * advance() for timers whose callbacks start asynchronous work that schedules the next timer (a check
   * that reads a database, then sleeps until the next deadline): fires one due time at a time and awaits
   * `settled` after each, so a timer set by that work is in place before time moves past it.
   */
  async advanceSettling(ms: number, settled: () => Promise<void>): Promise<void> {
    const target = this.#t + ms;
    for (;;) {
      let due: number | undefined;
      for (const p of this.#pending) if (!p.cancelled && p.at <= target && (due === undefined || p.at < due)) due = p.at;
      if (due === undefined) break;
      this.advanceTo(due);
      await settled();
    }
    this.advanceTo(target);
    await settled();
  }

  /** Timers neither fired nor cancelled. */
  get pending(): number {
    return this.#pending.filter((p) => !p.cancelled).length;
  }
}
