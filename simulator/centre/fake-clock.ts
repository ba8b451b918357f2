/** A Clock whose time moves only when a test says so; timers fire in deadline order as it passes them. */
import type { Clock, TimerHandle } from "./clock.js";

interface Pending {
  readonly at: number;
  readonly order: number;
  readonly fn: () => void;
  cancelled: boolean;
}

export class FakeClock implements Clock {
  private t: number;
  private order = 0;
  private pending: Pending[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const p: Pending = { at: this.t + Math.max(0, ms), order: this.order++, fn, cancelled: false };
    this.pending.push(p);
    return { cancel: () => void (p.cancelled = true) };
  }

  /** Move time forward by `ms`, firing every timer due on the way (a timer due exactly at the end fires). */
  advance(ms: number): void {
    this.advanceTo(this.t + ms);
  }

  advanceTo(target: number): void {
    for (;;) {
      this.pending = this.pending.filter((p) => !p.cancelled);
      const due = this.pending.filter((p) => p.at <= target).sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!due) break;
      this.pending.splice(this.pending.indexOf(due), 1);
      this.t = Math.max(this.t, due.at);
      due.fn();
    }
    this.t = Math.max(this.t, target);
  }

  get pendingTimers(): number {
    return this.pending.filter((p) => !p.cancelled).length;
  }
}
