/**
 * Reconnect delays: exponential backoff with "full jitter" (delay = random(0, min(cap, base * 2^n))),
 * which spreads 10,000 panels reconnecting after a broker restart evenly over the window instead of
 * in synchronised waves (AWS Architecture Blog, "Exponential Backoff and Jitter", 2015).
 */
export interface BackoffOptions {
  /** First window, ms. */
  readonly baseMs: number;
  /** Largest window, ms. */
  readonly capMs: number;
  /** Uniform in [0, 1); injected so tests can pin it. */
  readonly random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, capMs: 60_000 };

export class Backoff {
  private attempt = 0;
  private readonly random: () => number;

  constructor(private readonly opts: BackoffOptions = DEFAULT_BACKOFF) {
    this.random = opts.random ?? Math.random;
  }

  /** Upper bound of the window for the coming attempt. */
  window(): number {
    // 2^attempt overflows to Infinity long after the cap is reached; min() keeps it finite.
    return Math.min(this.opts.capMs, this.opts.baseMs * 2 ** this.attempt);
  }

  /** Delay before the next attempt, and count the attempt. */
  next(): number {
    const d = Math.floor(this.random() * this.window());
    this.attempt++;
    return d;
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
