/**
 * Arm/disarm supervision: follows each installation's openings and closings (Contact ID open/close
 * class: qualifier 3 closing = armed, 1 opening = disarmed) and opens an "arm-schedule" incident, whose
 * task is to call the contact persons, when the site is not armed by its closing deadline or is disarmed
 * outside its hours. Deadlines are timers on the clock port, recomputed in the site's time zone for each
 * local day, so a daylight-saving change moves them with the wall clock.
 */
import { Qualifier } from "../../../protocol/events.js";
import type { Clock, Timer } from "../../../protocol/clock.js";
import type { EventListener, PanelEvent } from "./alarm-intake.js";
import { Schedule, closeDeadline, openingAllowed, type ScheduleInput } from "./arm-schedule.js";
import { Documents, type Versioned } from "./documents.js";
import type { IncidentDesk } from "./incident-desk.js";
import type { Installations } from "./installations.js";
import { parseInput } from "./parse-input.js";
import { eventRole } from "./service-class.js";
import { inTx, type ServicesContext } from "./services-context.js";
import { addDays, toLocal } from "./zoned-time.js";

/** Re-plan at least this often, so schedule edits and restarts never leave a deadline unwatched for long. */
const MAX_SLEEP_MS = 6 * 3_600_000;

export class ArmSupervisor implements EventListener {
  private readonly docs: Documents;
  private timer: Timer | undefined;
  private running = false;

  constructor(
    private readonly ctx: ServicesContext,
    private readonly installations: Installations,
    private readonly desk: IncidentDesk,
    private readonly clock: Clock = ctx.clock,
  ) {
    this.docs = new Documents(ctx.db);
  }

  setSchedule(actor: string, installationId: number, input: ScheduleInput): Versioned<Schedule> {
    const v = parseInput(Schedule, input, "schedule");
    const r = inTx(this.ctx.db, () => {
      this.installations.get(installationId);
      const now = this.ctx.clock.now();
      const before = this.scheduleAt(installationId, now);
      const version = this.docs.put(installationId, "schedule", v, now, actor);
      this.ctx.audit.record({ at: now, actor, action: "schedule.set", entity: "installation", entityId: installationId, before: before ?? null, after: { version, schedule: v } });
      return { version, validFrom: now, actor, body: v };
    });
    if (this.running) this.plan();
    return r;
  }

  scheduleAt(installationId: number, at: number): Versioned<Schedule> | undefined {
    return this.docs.at(installationId, "schedule", at, Schedule);
  }

  armed(installationId: number): boolean {
    return (this.ctx.db.prepare("SELECT armed FROM svc_arm_state WHERE installation_id = ?").get(installationId) as { armed: number } | undefined)?.armed === 1;
  }

  start(): void {
    this.running = true;
    this.plan();
  }

  stop(): void {
    this.running = false;
    this.timer?.cancel();
  }

  /** From the alarm intake: openings and closings. */
  onEvent(installationId: number, e: PanelEvent): void {
    if (eventRole(e.code).kind !== "open-close") return;
    if (e.qualifier !== Qualifier.New && e.qualifier !== Qualifier.Restore) return;
    const armed = e.qualifier === Qualifier.Restore;
    inTx(this.ctx.db, () => {
      this.ctx.db
        .prepare("INSERT INTO svc_arm_state (installation_id, armed, at) VALUES (?, ?, ?) ON CONFLICT(installation_id) DO UPDATE SET armed = excluded.armed, at = excluded.at WHERE excluded.at >= svc_arm_state.at")
        .run(installationId, armed ? 1 : 0, e.at);
    });
    if (armed) return;
    const s = this.scheduleAt(installationId, e.at);
    if (!s) return;
    const tz = this.installations.get(installationId).timeZone;
    if (openingAllowed(s.body, e.at, tz)) return;
    const { date } = toLocal(e.at, tz);
    this.desk.open({
      installationId,
      panel: e.panel,
      cls: "arm-schedule",
      key: `opening:${date}`,
      title: `disarmed outside the agreed hours${e.user !== undefined ? ` by user ${e.user}` : ""}`,
      at: e.at,
      steps: [{ kind: "call-contacts" }],
    });
  }

  /** Judges every closing deadline that has passed and not been judged; then sleeps until the next one. */
  check(): void {
    const now = this.clock.now();
    for (const inst of this.installations.list()) {
      const s = this.scheduleAt(inst.id, now);
      if (!s) continue;
      const today = toLocal(now, inst.timeZone).date;
      for (const date of [addDays(today, -1), today]) {
        const deadline = closeDeadline(s.body, date, inst.timeZone);
        // Only deadlines under this schedule: none from before it was agreed.
        if (deadline === null || deadline > now || deadline < s.validFrom) continue;
        const armed = this.armed(inst.id);
        const judged = inTx(this.ctx.db, () => this.ctx.db.prepare("INSERT OR IGNORE INTO svc_close_checks (installation_id, date, at, armed) VALUES (?, ?, ?, ?)").run(inst.id, date, now, armed ? 1 : 0).changes === 0);
        if (judged || armed) continue;
        this.desk.open({ installationId: inst.id, panel: null, cls: "arm-schedule", key: `closing:${date}`, title: `not armed by the agreed closing time (${date})`, at: deadline, steps: [{ kind: "call-contacts" }] });
      }
    }
  }

  /** The next closing deadline after `now` over all installations, within the next week. */
  nextDeadline(now: number): number | undefined {
    let next: number | undefined;
    for (const inst of this.installations.list()) {
      const s = this.scheduleAt(inst.id, now);
      if (!s) continue;
      const today = toLocal(now, inst.timeZone).date;
      for (let d = -1; d <= 7; d++) {
        const deadline = closeDeadline(s.body, addDays(today, d), inst.timeZone);
        if (deadline !== null && deadline > now && (next === undefined || deadline < next)) next = deadline;
      }
    }
    return next;
  }

  private plan(): void {
    this.timer?.cancel();
    if (!this.running) return;
    this.check();
    const now = this.clock.now();
    const next = this.nextDeadline(now);
    const wait = Math.min(next === undefined ? MAX_SLEEP_MS : next - now, MAX_SLEEP_MS);
    this.timer = this.clock.schedule(wait, () => this.plan());
  }
}
