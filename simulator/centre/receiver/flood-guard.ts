/**
 * A per-panel budget for frames that do not verify (token bucket on the receiver's clock). A real panel
 * sends almost none: its frames are signed, and a frame damaged in transit is rare. A panel whose
 * unverified frames exhaust its budget is flooding (a stolen broker certificate, a broken gateway):
 * from then on its frames are dropped before verification, the cheapest possible refusal, except one
 * per refill interval, which is verified (so a real frame still gets through, slowly, during an attack).
 * The episode is reported once, when it starts; it ends when the bucket has filled up again, i.e. after
 * `burst / perSecond` seconds without unverified frames, and the next exhaustion is a new episode.
 *
 * So the frames of one panel that fail verification are at most `burst + perSecond * t` in any time t:
 * the bound the fairness test counts against.
 */
import type { Clock } from "../../../protocol/clock.js";

export interface FloodGuardOptions {
  readonly clock: Clock;
  /** Unverified frames a panel may send at once before it counts as flooding (default 20). */
  readonly burst?: number;
  /** Unverified frames per second the budget refills by (default 1). */
  readonly perSecond?: number;
  /** A flooding episode of `panel` started (once per episode). */
  readonly onEpisode: (panel: string, at: number) => void;
}

interface Bucket {
  tokens: number;
  at: number;
  flooding: boolean;
}

export class FloodGuard {
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;
  private readonly perMs: number;
  /** Frames dropped before verification because their panel was over budget. */
  readonly stats = { refused: 0, episodes: 0 };

  constructor(private readonly o: FloodGuardOptions) {
    this.burst = o.burst ?? 20;
    this.perMs = (o.perSecond ?? 1) / 1000;
  }

  /** Whether a frame of `panel` may be verified; false: drop it unverified (and it is counted). */
  admit(panel: string): boolean {
    const b = this.refill(panel);
    if (!b || b.tokens >= 1) return true;
    this.stats.refused++;
    return false;
  }

  /** A frame of `panel` failed verification: it spends one token of the panel's budget. */
  unverified(panel: string): void {
    const now = this.o.clock.now();
    const b = this.refill(panel) ?? { tokens: this.burst, at: now, flooding: false };
    this.buckets.set(panel, b);
    b.tokens = Math.max(0, b.tokens - 1);
    if (b.tokens < 1 && !b.flooding) {
      b.flooding = true;
      this.stats.episodes++;
      this.o.onEpisode(panel, now);
    }
  }

  flooding(panel: string): boolean {
    return this.refill(panel)?.flooding === true;
  }

  /** Bring the bucket up to now; a full bucket ends its episode and is forgotten (no state per quiet panel). */
  private refill(panel: string): Bucket | undefined {
    const b = this.buckets.get(panel);
    if (!b) return undefined;
    const now = this.o.clock.now();
    b.tokens = Math.min(this.burst, b.tokens + Math.max(0, now - b.at) * this.perMs);
    b.at = now;
    if (b.tokens >= this.burst) {
      this.buckets.delete(panel);
      return undefined;
    }
    return b;
  }
}
