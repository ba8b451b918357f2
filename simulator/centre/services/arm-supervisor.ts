/**
 * Arm/disarm supervision: follows each installation's openings and closings (Contact ID open/close
 * class: qualifier 3 closing = armed, 1 opening = disarmed) and opens an "arm-schedule" incident, whose
 * task is to call the contact persons, when the site is not armed by its closing deadline or is disarmed
 * outside its hours. Deadlines are timers on the clock port, recomputed in the site's time zone for each
 * local day, so a daylight-saving change moves them with the wall clock.
 */
import { Qualifier } from "../../../protocol/events.js";
import type { Clock } from "../../../protocol/clock.js";
import type { EventListener, PanelEvent } from "./alarm-intake.js";
import { ArmStateRepo } from "./arm-state-repo.js";
import { CheckLoop } from "./check-loop.js";
import { Schedule, closeDeadline, openingAllowed, type ScheduleInput } from "./arm-schedule.js";
import { Documents, type Versioned } from "./documents.js";
import type { IncidentDesk } from "./incident-desk.js";
import type { Installations } from "./installations.js";
import { parseInput } from "./parse-input.js";
import { eventRole } from "./service-class.js";
import type { ServicesContext } from "./services-context.js";
import { addDays, toLocal } from "./zoned-time.js";

/** Re-plan at least this often, so schedule edits and restarts never leave a deadline unwatched for long. */
const MAX_SLEEP_MS = 6 * 3_600_000;

export class ArmSupervisor implements EventListener {
  private readonly docs: Documents;
  private readonly repo: ArmStateRepo;
  private readonly loop: CheckLoop;

  constructor(
    private readonly ctx: ServicesContext,
    private readonly installations: Installations,
    private readonly desk: IncidentDesk,
    private readonly clock: Clock = ctx.clock,
  ) {
    this.docs = new Documents(ctx.db);
    this.repo = new ArmStateRepo(ctx.db);
    this.loop = new CheckLoop(
      clock,
      () => this.check(),
      async (now) => {
        const next = await this.nextDeadline(now);
        return Math.min(next === undefined ? MAX_SLEEP_MS : next - now, MAX_SLEEP_MS);
      },
      (e) => this.ctx.events.emit("failed", "arm-timer", e),
    );
  }

  async setSchedule(actor: string, installationId: number, input: ScheduleInput): Promise<Versioned<Schedule>> {
    const v = parseInput(Schedule, input, "schedule");
    const r = await this.ctx.db.tx(async () => {
      await this.installations.get(installationId);
      const now = this.ctx.clock.now();
      const before = await this.scheduleAt(installationId, now);
      const version = await this.docs.put(installationId, "schedule", v, now, actor);
      await this.ctx.audit.record({ at: now, actor, action: "schedule.set", entity: "installation", entityId: installationId, before: before ?? null, after: { version, schedule: v } });
      return { version, validFrom: now, actor, body: v };
    });
    await this.loop.replan();
    return r;
  }

  async scheduleAt(installationId: number, at: number): Promise<Versioned<Schedule> | undefined> {
    return this.docs.at(installationId, "schedule", at, Schedule);
  }

  async armed(installationId: number): Promise<boolean> {
    return this.repo.armed(installationId);
  }

  /** Resolves once no check is under way (tests: after advancing the clock). */
  idle(): Promise<void> {
    return this.loop.idle();
  }

  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
  }

  /** From the alarm intake: openings and closings. */
  async onEvent(installationId: number, e: PanelEvent): Promise<void> {
    if (eventRole(e.code).kind !== "open-close") return;
    if (e.qualifier !== Qualifier.New && e.qualifier !== Qualifier.Restore) return;
    const armed = e.qualifier === Qualifier.Restore;
    await this.ctx.db.tx(() => this.repo.setArmed(installationId, armed, e.at));
    if (armed) return;
    const s = await this.scheduleAt(installationId, e.at);
    if (!s) return;
    const tz = (await this.installations.get(installationId)).timeZone;
    if (openingAllowed(s.body, e.at, tz)) return;
    const { date } = toLocal(e.at, tz);
    await this.desk.open({
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
  async check(): Promise<void> {
    const now = this.clock.now();
    const schedules = await this.docs.allAt("schedule", now, Schedule);
    for (const inst of await this.installations.list()) {
      const s = schedules.get(inst.id);
      if (!s) continue;
      const today = toLocal(now, inst.timeZone).date;
      for (const date of [addDays(today, -1), today]) {
        const deadline = closeDeadline(s.body, date, inst.timeZone);
        // Only deadlines under this schedule: none from before it was agreed.
        if (deadline === null || deadline > now || deadline < s.validFrom) continue;
        const armed = await this.armed(inst.id);
        const judged = !await this.ctx.db.tx(() => this.repo.judgeClosing(inst.id, date, now, armed));
        if (judged || armed) continue;
        await this.desk.open({ installationId: inst.id, panel: null, cls: "arm-schedule", key: `closing:${date}`, title: `not armed by the agreed closing time (${date})`, at: deadline, steps: [{ kind: "call-contacts" }] });
      }
    }
  }

  /** The next closing deadline after `now` over all installations, within the next week. */
  async nextDeadline(now: number): Promise<number | undefined> {
    let next: number | undefined;
    const schedules = await this.docs.allAt("schedule", now, Schedule);
    for (const inst of await this.installations.list()) {
      const s = schedules.get(inst.id);
      if (!s) continue;
      const today = toLocal(now, inst.timeZone).date;
      for (let d = -1; d <= 7; d++) {
        const deadline = closeDeadline(s.body, addDays(today, d), inst.timeZone);
        if (deadline !== null && deadline > now && (next === undefined || deadline < next)) next = deadline;
      }
    }
    return next;
  }
}
