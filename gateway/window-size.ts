/**
 * How many frames the send window keeps in flight: `min` (the configured window) to start with, doubled
 * while doubling pays. A backlog drain is bound by frames in flight over the ACK round trip, and the round
 * trip grows with the window (the centre commits bigger batches, the broker queues), so the window grows by
 * what the ACKs show, not by the round trip alone: after each round (as many ACKs as the window holds, the
 * window full all the while) the delivery rate is compared with the best so far; a doubling that did not
 * raise it by a quarter is undone and growth stops (the extra frames would only queue). A timeout, or a
 * window that ran empty (the backlog is gone), starts over at `min`. Pure: the caller passes the time.
 */
export class WindowSize {
  private limitNow: number;
  private best = 0;
  private roundStart: number | undefined;
  private ackedInRound = 0;
  private fullAllRound = true;
  private grown = false;
  private settled = false;

  constructor(
    private readonly min: number,
    private readonly max: number,
  ) {
    this.limitNow = min;
  }

  get limit(): number {
    return this.limitNow;
  }

  /** `n` frames acknowledged at `now` (ms); `full`: the window was full when they were (more waited). */
  acked(n: number, now: number, full: boolean): void {
    if (this.roundStart === undefined) {
      this.startRound(now);
      return;
    }
    this.ackedInRound += n;
    this.fullAllRound &&= full;
    if (this.ackedInRound < this.limitNow) return;
    const rate = this.ackedInRound / Math.max(1, now - this.roundStart);
    if (this.fullAllRound && !this.settled) {
      if (this.grown && rate < this.best * 1.25) {
        // The last doubling did not pay: back to the size that gave the best rate, and stay there.
        this.limitNow = Math.max(this.min, this.limitNow / 2);
        this.settled = true;
      } else if (this.limitNow < this.max) {
        this.limitNow = Math.min(this.max, this.limitNow * 2);
        this.grown = true;
      }
    }
    this.best = Math.max(this.best, rate);
    this.startRound(now);
  }

  /** An ACK timeout, or nothing left in flight: start over at `min`. */
  reset(): void {
    this.limitNow = this.min;
    this.best = 0;
    this.roundStart = undefined;
    this.grown = false;
    this.settled = false;
  }

  private startRound(now: number): void {
    this.roundStart = now;
    this.ackedInRound = 0;
    this.fullAllRound = true;
  }
}
