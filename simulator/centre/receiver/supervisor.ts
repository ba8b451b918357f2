/**
 * Transmission supervision (EN 50136-1 reporting time): every panel must be heard from within its
 * category's time; when it is not, the operators get a transmission-fault alarm. Any stored frame counts
 * as traffic (DC-09: any message restarts the supervision timer). The deadline is last-seen + time,
 * exactly: at deadline - 1 ms nothing, at the deadline the fault.
 *
 * Several receivers may each run a Supervisor over one shared store: a timer that fires re-reads the
 * panel's last-seen time from the store (another receiver may have heard the panel), and the open-alarm
 * index makes the fault one alarm however many supervisors see it. On PostgreSQL only the receiver that
 * leads the "supervision" role runs it (leader-elector.ts).
 *
 * A retired panel (registry.ts: every frame key revoked, none new) cannot report, so it is not supervised;
 * once it has new keys, its first frame (or the next start) arms its deadline again.
 */
import { Priority } from "../../../protocol/index.js";
import type { Clock, Timer } from "../../../protocol/clock.js";
import { CATEGORIES, isCategoryName } from "../../../protocol/supervision.js";
import type { CentreStorePort } from "../store-pg/port.js";
import { CentreError } from "../errors.js";
import { silentLogger, type Logger } from "../logger.js";
import { InFlight } from "./in-flight.js";

/** The time a panel of `category` may stay silent: its primary path's reporting time (EN 50136-1). */
export function supervisionMs(category: string): number {
  if (!isCategoryName(category)) throw new CentreError("bad-category", `unknown EN 50136 category ${JSON.stringify(category)}`);
  return CATEGORIES[category].primaryMs;
}

export interface TransmissionFault {
  readonly panel: string;
  readonly alarmId: number;
  readonly lastSeen: number;
  readonly deadline: number;
}

/** A deadline check the store could not answer is tried again after this long. */
const RETRY_MS = 5_000;

export class Supervisor {
  private readonly timers = new Map<string, Timer>();
  private readonly retries = new Set<Timer>();
  private readonly work = new InFlight();
  private running = false;

  constructor(
    private readonly store: CentreStorePort,
    private readonly clock: Clock,
    private readonly onFault: (f: TransmissionFault) => void = () => {},
    private readonly log: Logger = silentLogger,
  ) {}

  /** Arm a deadline for every registered panel, counting from its last traffic (or registration). */
  start(): void {
    this.running = true;
    this.track(async () => {
      for (const p of await this.store.registry.panels()) if (this.running && !p.retired) this.armAt(p.panel, deadlineOf(p));
    }, () => this.retry(() => this.start()));
  }

  stop(): void {
    this.running = false;
    for (const t of [...this.timers.values(), ...this.retries]) t.cancel();
    this.timers.clear();
    this.retries.clear();
  }

  /**
   * The panel was just heard from (its frame is stored). A panel with a deadline armed keeps it: when it
   * falls, expire() reads the panel's last-seen time from the store and arms the later deadline, as it
   * does for traffic another receiver heard. So traffic costs a store read once per reporting period,
   * not once per frame (and the fault still falls exactly at last-seen + time).
   */
  traffic(panel: string): void {
    if (this.running && !this.timers.has(panel)) this.arm(panel);
  }

  /** When the panel's current deadline falls, or undefined if it is unknown. */
  async deadline(panel: string): Promise<number | undefined> {
    const p = await this.store.registry.panel(panel);
    return p && !p.retired ? deadlineOf(p) : undefined;
  }

  /** Resolves once the store calls set off by the timers and traffic so far have finished. */
  settled(): Promise<void> {
    return this.work.settled();
  }

  private arm(panel: string): void {
    this.track(async () => this.armAt(panel, await this.deadline(panel)), () => this.retry(() => this.arm(panel)));
  }

  private armAt(panel: string, due: number | undefined): void {
    if (due === undefined || !this.running) return;
    this.timers.get(panel)?.cancel();
    this.timers.set(panel, this.expireIn(panel, due - this.clock.now()));
  }

  /** A timer that runs expire(panel) in `ms`; a store failure there re-arms from the store after RETRY_MS. */
  private expireIn(panel: string, ms: number): Timer {
    return this.clock.schedule(ms, () => this.track(() => this.expire(panel), () => this.retry(() => this.arm(panel))));
  }

  private async expire(panel: string): Promise<void> {
    this.timers.delete(panel);
    const p = await this.store.registry.panel(panel);
    // Unknown, or revoked meanwhile (it can no longer report): nothing to supervise until it has new keys.
    if (p === undefined || p.retired || !this.running) return;
    const due = deadlineOf(p);
    const now = this.clock.now();
    if (now < due) return this.armAt(panel, due); // another receiver heard it meanwhile
    const lastSeen = p.lastSeen ?? p.createdAt;
    const { id, created } = await this.store.alarms.raise({
      panel,
      kind: "transmission-fault",
      key: "transmission-fault",
      title: `transmission fault: nothing from ${panel} since ${new Date(lastSeen).toISOString()} (${p.category})`,
      priority: Priority.Urgent,
      at: now,
    });
    if (created) {
      this.log.log("warn", "supervision: transmission fault", { panel, category: p.category, lastSeen, deadline: due });
      this.onFault({ panel, alarmId: id, lastSeen, deadline: due });
    }
    // Still silent after another full period: remind (joins the open alarm, or opens a new one if closed).
    if (this.running && !this.timers.has(panel)) this.timers.set(panel, this.expireIn(panel, supervisionMs(p.category)));
  }

  /** Run `fn`; if the store fails it, log and call `again` after RETRY_MS (a lost database must not end supervision). */
  private track(fn: () => Promise<void>, again: () => void): void {
    this.work.track(
      fn().catch((e: unknown) => {
        this.log.log("error", "supervision: store call failed, retrying", { error: (e as Error).message, retryMs: RETRY_MS });
        again();
      }),
    );
  }

  private retry(fn: () => void): void {
    if (!this.running) return;
    const t = this.clock.schedule(RETRY_MS, () => {
      this.retries.delete(t);
      fn();
    });
    this.retries.add(t);
  }
}

function deadlineOf(p: { lastSeen: number | null; createdAt: number; category: string }): number {
  return (p.lastSeen ?? p.createdAt) + supervisionMs(p.category);
}
