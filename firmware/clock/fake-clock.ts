import type { Clock, TimerHandle } from "./clock.js";

/** Virtual time for tests and the scenario runner: nothing happens until advanceTo/advanceBy. */
export class FakeClock implements Clock {
  #now: number;
  #next = 1;
  #timers: { id: number; at: number; fn: () => void }[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(at: number, fn: () => void): TimerHandle {
    const id = this.#next++;
    this.#timers.push({ id, at, fn });
    return { id };
  }

  clearTimer(t: TimerHandle): void {
    this.#timers = this.#timers.filter((x) => x.id !== t.id);
  }

  /** Fires every timer due up to `t` in time order (timers set by callbacks included), then sets now = t. */
  advanceTo(t: number): void {
    for (;;) {
      const due = this.#timers.filter((x) => x.at <= t).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((x) => x.id !== due.id);
      this.#now = Math.max(this.#now, due.at);
      due.fn();
    }
    this.#now = Math.max(this.#now, t);
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.#now + ms);
  }

  pending(): number {
    return this.#timers.length;
  }
}
