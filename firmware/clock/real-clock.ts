import type { Clock, TimerHandle } from "./clock.js";

/** Wall-clock time; long timers are re-armed in steps because setTimeout caps at 2^31-1 ms. */
export class RealClock implements Clock {
  #next = 1;
  readonly #timers = new Map<number, NodeJS.Timeout>();

  now(): number {
    return Date.now();
  }

  setTimer(at: number, fn: () => void): TimerHandle {
    const id = this.#next++;
    const arm = () => {
      const wait = Math.min(Math.max(0, at - Date.now()), 2 ** 31 - 1);
      this.#timers.set(
        id,
        setTimeout(() => {
          if (Date.now() < at) return arm();
          this.#timers.delete(id);
          fn();
        }, wait),
      );
    };
    arm();
    return { id };
  }

  clearTimer(t: TimerHandle): void {
    clearTimeout(this.#timers.get(t.id));
    this.#timers.delete(t.id);
  }
}
