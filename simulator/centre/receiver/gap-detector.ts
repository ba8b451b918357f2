/**
 * "Possible lost events": a sequence number that is still missing when a higher one of the same panel
 * has been stored for longer than a grace period. Frames leave a panel in priority order, not sequence
 * order (the outbox sends by priority class), so a gap is only suspicious once the grace period has passed.
 *
 * The check reads the shared store, not this receiver's own traffic, so receivers that split a panel's
 * frames between them see no false gaps; `panels.gap_checked` (updated in the same transaction) makes
 * each gap one alert across receivers and restarts. A panel's first stored frame sets the baseline.
 */
import { Priority } from "../../../protocol/index.js";
import type { Clock, Timer } from "../../../protocol/clock.js";
import type { CentreStore } from "../store/centre-store.js";
import { silentLogger, type Logger } from "../logger.js";

export interface LostEvents {
  readonly panel: string;
  /** Inclusive range of missing sequence numbers. */
  readonly from: number;
  readonly to: number;
  readonly alarmId: number;
}

export class GapDetector {
  private readonly timers = new Map<string, Timer>();
  private readonly check;
  private readonly unsettled;

  constructor(
    private readonly store: CentreStore,
    private readonly clock: Clock,
    readonly graceMs: number,
    private readonly onLost: (l: LostEvents) => void = () => {},
    private readonly log: Logger = silentLogger,
  ) {
    const db = store.db;
    const settled = db.prepare("SELECT MAX(seq) AS h FROM frames WHERE panel = ? AND received_at <= ?");
    const first = db.prepare("SELECT MIN(seq) AS m FROM frames WHERE panel = ?");
    const checked = db.prepare("SELECT gap_checked AS c FROM panels WHERE panel = ?");
    const seqs = db.prepare("SELECT seq FROM frames WHERE panel = ? AND seq > ? AND seq <= ? ORDER BY seq").pluck();
    const mark = db.prepare("UPDATE panels SET gap_checked = ? WHERE panel = ?");
    this.unsettled = db.prepare("SELECT MIN(received_at) AS t FROM frames WHERE panel = ? AND received_at > ?");
    this.check = db.transaction((panel: string, now: number): LostEvents[] => {
      const high = (settled.get(panel, now - graceMs) as { h: number | null }).h;
      if (high === null) return [];
      const c = (checked.get(panel) as { c: number | null } | undefined)?.c;
      const base = c ?? (first.get(panel) as { m: number }).m - 1;
      if (high <= base) return [];
      const found: LostEvents[] = [];
      let expect = base + 1;
      for (const s of seqs.all(panel, base, high) as number[]) {
        if (s > expect) found.push(this.raise(panel, expect, s - 1, now));
        expect = s + 1;
      }
      mark.run(high, panel);
      return found;
    });
  }

  /** After a (re)start: check every panel now, and arm the re-checks of frames not yet settled. */
  start(): void {
    for (const p of this.store.registry.panels()) this.run(p.panel);
  }

  /** A frame of this panel was stored now: look for gaps once the grace period has passed. */
  stored(panel: string): void {
    if (!this.timers.has(panel)) this.schedule(panel, this.graceMs);
  }

  private schedule(panel: string, ms: number): void {
    this.timers.set(
      panel,
      this.clock.schedule(ms, () => {
        this.timers.delete(panel);
        this.run(panel);
      }),
    );
  }

  /** Check one panel now; returns the gaps found (each also reported to `onLost`). */
  run(panel: string): LostEvents[] {
    const found = this.check.immediate(panel, this.clock.now());
    for (const l of found) {
      this.log.log("warn", "possible lost events", { ...l });
      this.onLost(l);
    }
    // Frames stored within the grace period are not settled yet: look again the moment the oldest is.
    const now = this.clock.now();
    const next = (this.unsettled.get(panel, now - this.graceMs) as { t: number | null }).t;
    if (next !== null && !this.timers.has(panel)) this.schedule(panel, next + this.graceMs - now);
    return found;
  }

  stop(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }

  private raise(panel: string, from: number, to: number, now: number): LostEvents {
    const range = from === to ? `${from}` : `${from}-${to}`;
    const { id } = this.store.alarms.raise({
      panel,
      kind: "lost-events",
      key: `lost-events:${range}`,
      title: `possible lost events: ${panel} sequence ${range} never arrived`,
      priority: Priority.Urgent,
      at: now,
    });
    return { panel, from, to, alarmId: id };
  }
}
