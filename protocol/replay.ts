/**
 * Per-panel anti-replay window over sequence numbers. QoS 1 can deliver twice and a panel retransmits
 * until acknowledged, so a receiver must recognise a sequence number it has already processed: a
 * duplicate is re-acknowledged, never processed twice (QoS 1 is "at least once": MQTT 3.1.1 §4.3.2).
 *
 * Frames leave a panel in priority order, not sequence order, so the window remembers every sequence
 * number within `size` of the highest seen. Anything older than the window is "unknown": the receiver
 * must consult its durable store (which holds every processed (panel, seq)) to decide.
 * A `tag` (a digest of the frame's content) makes a seq seen with other content "new", for the store to
 * judge: a panel that lost its outbox hands out old numbers again, and those are not duplicates.
 */
export type ReplayVerdict = "new" | "duplicate" | "below-window";

export class ReplayWindow {
  private highest = -1;
  /** seq -> the content tag it was marked with (undefined: none given). */
  private readonly seen = new Map<number, number | undefined>();

  constructor(readonly size = 4096) {}

  check(seq: number, tag?: number): ReplayVerdict {
    if (seq <= this.highest - this.size) return "below-window";
    if (!this.seen.has(seq)) return "new";
    const marked = this.seen.get(seq);
    return tag === undefined || marked === undefined || marked === tag ? "duplicate" : "new";
  }

  /** Record a sequence number as processed (call only once it is durably stored). */
  mark(seq: number, tag?: number): void {
    if (seq <= this.highest - this.size) return;
    this.seen.set(seq, tag);
    if (seq > this.highest) {
      this.highest = seq;
      const floor = seq - this.size;
      if (this.seen.size > this.size) for (const s of this.seen.keys()) if (s <= floor) this.seen.delete(s);
    }
  }

  /** How many sequence numbers the window holds now (bounded by about twice `size`). */
  get remembered(): number {
    return this.seen.size;
  }

  get highestSeen(): number {
    return this.highest;
  }
}

/** One window per panel. */
export class ReplayWindows {
  private readonly windows = new Map<string, ReplayWindow>();
  constructor(private readonly size = 4096) {}
  for(panel: string): ReplayWindow {
    let w = this.windows.get(panel);
    if (!w) this.windows.set(panel, (w = new ReplayWindow(this.size)));
    return w;
  }
}
