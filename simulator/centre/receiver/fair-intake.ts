/**
 * The receiver's intake: one queue per panel, served round-robin, instead of one FIFO. Frames arriving in
 * one read are queued (cheap), then taken one per panel in turn, at most `perTurn` per event-loop turn,
 * so one panel's burst (or flood) cannot delay another panel's alarm by more than one frame per busy
 * panel and turn. A panel's queue holds at most `perPanel` frames (twice a gateway's send window); what
 * arrives over that is dropped on arrival and left to the sender's retransmission, so the memory a
 * flooding panel can take is bounded.
 */

export interface FairIntakeOptions<T> {
  /** Frames one panel may have waiting (default 64). */
  readonly perPanel?: number;
  /** Frames taken per turn before yielding to I/O (default 256, the receiver's group-commit batch). */
  readonly perTurn?: number;
  /** Whether a frame of this panel is taken on (the flood guard), asked on arrival and again when its turn comes; false: dropped. */
  readonly admit: (panel: string) => boolean;
  /** Handle one frame, in round-robin order. */
  readonly take: (panel: string, item: T) => void;
  /** After each turn's frames (the receiver commits and acknowledges them as one batch). */
  readonly turnEnd: () => void;
  /** A frame dropped unjudged: its panel's queue was full, or its panel is over budget. */
  readonly dropped?: (panel: string, why: "queue-full" | "over-budget") => void;
  /** Defer the next turn (default setImmediate: after pending I/O, so new arrivals join the round). */
  readonly defer?: (fn: () => void) => void;
}

export class FairIntake<T> {
  private readonly queues = new Map<string, T[]>();
  /** Panels with frames waiting, in serving order. */
  private ring: string[] = [];
  private scheduled = false;
  private readonly perPanel: number;
  private readonly perTurn: number;

  constructor(private readonly o: FairIntakeOptions<T>) {
    this.perPanel = o.perPanel ?? 64;
    this.perTurn = o.perTurn ?? 256;
  }

  /** Frames waiting, over all panels. */
  get size(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  offer(panel: string, item: T): boolean {
    if (!this.o.admit(panel)) return this.drop(panel, "over-budget");
    let q = this.queues.get(panel);
    if (!q) {
      this.queues.set(panel, (q = []));
      this.ring.push(panel);
    }
    if (q.length >= this.perPanel) return this.drop(panel, "queue-full");
    q.push(item);
    this.schedule();
    return true;
  }

  /** Take everything waiting now (a receiver stopping cleanly), still in turn. */
  drainAll(): void {
    while (this.ring.length > 0) this.turn(Infinity);
  }

  clear(): void {
    this.queues.clear();
    this.ring = [];
  }

  private drop(panel: string, why: "queue-full" | "over-budget"): false {
    this.o.dropped?.(panel, why);
    return false;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    (this.o.defer ?? setImmediate)(() => {
      this.scheduled = false;
      this.turn(this.perTurn);
      if (this.ring.length > 0) this.schedule();
    });
  }

  /** Up to `limit` frames, one per panel in turn; a panel with more waiting goes to the back. */
  private turn(limit: number): void {
    let taken = 0;
    while (taken < limit && this.ring.length > 0) {
      const round = this.ring;
      this.ring = [];
      let i = 0;
      for (; i < round.length && taken < limit; i++) {
        const panel = round[i]!;
        const q = this.queues.get(panel);
        const item = q?.shift();
        if (q && q.length > 0) this.ring.push(panel);
        else this.queues.delete(panel);
        if (item === undefined) continue;
        taken++;
        // Asked again: the panel may have gone over budget while this frame waited.
        if (!this.o.admit(panel)) this.drop(panel, "over-budget");
        else this.o.take(panel, item);
      }
      // Panels this round did not reach keep their place ahead of those already served.
      this.ring = [...round.slice(i), ...this.ring];
    }
    this.o.turnEnd();
  }
}
