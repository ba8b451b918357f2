/**
 * Transmission supervision (EN 50136-1 reporting time): every panel must be heard from within its
 * category's time; when it is not, the operators get a transmission-fault alarm. Any stored frame counts
 * as traffic (DC-09: any message restarts the supervision timer). The deadline is last-seen + time,
 * exactly: at deadline - 1 ms nothing, at the deadline the fault.
 *
 * Several receivers may each run a Supervisor over one shared store: a timer that fires re-reads the
 * panel's last-seen time from the store (another receiver may have heard the panel), and the open-alarm
 * index makes the fault one alarm however many supervisors see it.
 */
import { Priority } from "../../../protocol/index.js";
import type { Clock, Timer } from "../../../protocol/clock.js";
import { CATEGORIES, isCategoryName } from "../../../protocol/supervision.js";
import type { CentreStore } from "../store/centre-store.js";
import { CentreError } from "../errors.js";
import { silentLogger, type Logger } from "../logger.js";

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

export class Supervisor {
  private readonly timers = new Map<string, Timer>();
  private running = false;

  constructor(
    private readonly store: CentreStore,
    private readonly clock: Clock,
    private readonly onFault: (f: TransmissionFault) => void = () => {},
    private readonly log: Logger = silentLogger,
  ) {}

  /** Arm a deadline for every registered panel, counting from its last traffic (or registration). */
  start(): void {
    this.running = true;
    for (const p of this.store.registry.panels()) this.arm(p.panel);
  }

  stop(): void {
    this.running = false;
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }

  /** The panel was just heard from (its frame is stored). */
  traffic(panel: string): void {
    if (this.running) this.arm(panel);
  }

  /** When the panel's current deadline falls, or undefined if it is unknown. */
  deadline(panel: string): number | undefined {
    const p = this.store.registry.panel(panel);
    return p && (p.lastSeen ?? p.createdAt) + supervisionMs(p.category);
  }

  private arm(panel: string): void {
    const due = this.deadline(panel);
    if (due === undefined) return;
    this.timers.get(panel)?.cancel();
    this.timers.set(panel, this.clock.schedule(due - this.clock.now(), () => this.expire(panel)));
  }

  private expire(panel: string): void {
    this.timers.delete(panel);
    const due = this.deadline(panel);
    if (due === undefined || !this.running) return;
    const now = this.clock.now();
    if (now < due) return this.arm(panel); // another receiver heard it meanwhile
    const p = this.store.registry.panel(panel)!;
    const lastSeen = p.lastSeen ?? p.createdAt;
    const { id, created } = this.store.alarms.raise({
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
    this.timers.set(panel, this.clock.schedule(supervisionMs(p.category), () => this.expire(panel)));
  }
}
