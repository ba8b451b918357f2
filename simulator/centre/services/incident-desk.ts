/**
 * The operator's desk: incidents opened from alarms with the tasks of the action plan in force, outcomes
 * recorded by hand or by the providers behind the ports (telephony, messaging, guard service), guard
 * dispatches billed unless the subscription includes them. Each action is one transaction with its audit.
 */
import { InFlight } from "../receiver/in-flight.js";
import { ActionPlans } from "./action-plans.js";
import type { GuardService } from "./guard-service.js";
import { IncidentBook } from "./incident-book.js";
import { TaskOutcome, type Incident, type IncidentClass, type IncidentOutcome, type Task } from "./incident-schema.js";
import type { Installations } from "./installations.js";
import type { Messenger } from "./messenger.js";
import { parseInput } from "./parse-input.js";
import type { PlanStep } from "./plan-schema.js";
import { planTasks } from "./plan-tasks.js";
import type { ServicesContext } from "./services-context.js";
import { ServicesError } from "./services-error.js";
import { afterOutcome, closeAll } from "./task-flow.js";
import type { Telephony } from "./telephony.js";
import { toLocal } from "./zoned-time.js";

export interface ServicePorts {
  readonly telephony: Telephony;
  readonly messenger: Messenger;
  readonly guard: GuardService;
}

export interface OpenIncident {
  readonly installationId: number;
  readonly panel: string | null;
  readonly centreAlarmId?: number | null;
  readonly cls: IncidentClass;
  readonly key: string;
  readonly title: string;
  readonly at: number;
  readonly test?: boolean;
  /** Steps instead of the plan's (arm/disarm supervision calls the contacts only). */
  readonly steps?: readonly PlanStep[];
}

const SYSTEM = "system";

export class IncidentDesk {
  readonly book: IncidentBook;
  readonly plans: ActionPlans;
  private readonly reports = new InFlight();

  constructor(
    private readonly ctx: ServicesContext,
    private readonly installations: Installations,
    private readonly ports: ServicePorts,
  ) {
    this.book = new IncidentBook(ctx.db);
    this.plans = new ActionPlans(ctx);
  }

  /** Opens an incident, or joins the open one with the same key (no new tasks). */
  async open(o: OpenIncident): Promise<{ incident: Incident; created: boolean }> {
    const r = await this.ctx.db.tx(async () => {
      const open = o.test ? undefined : await this.book.openId(o.installationId, o.key);
      if (open !== undefined) {
        if (o.centreAlarmId != null) await this.book.setCentreAlarm(open, o.centreAlarmId);
        await this.ctx.audit.record({ at: this.ctx.clock.now(), actor: SYSTEM, action: "incident.join", entity: "incident", entityId: open, after: { title: o.title, at: o.at } });
        return { id: open, created: false };
      }
      const inst = await this.installations.get(o.installationId);
      const plan = o.cls === "arm-schedule" ? { version: null, steps: o.steps ?? [] } : await this.plans.steps(o.installationId, o.cls, o.at);
      const contacts = await this.installations.contactsAt(o.installationId, o.at);
      const id = await this.book.insert({
        installationId: o.installationId,
        panel: o.panel,
        centreAlarmId: o.centreAlarmId ?? null,
        cls: o.cls,
        key: o.key,
        title: o.title,
        at: o.at,
        planVersion: plan.version,
        contactsVersion: contacts?.version ?? null,
        test: o.test ?? false,
      });
      if (!o.test) await this.book.addTasks(id, planTasks(o.cls, o.steps ?? plan.steps, contacts?.body ?? [], toLocal(o.at, inst.timeZone).minutes), this.ctx.clock.now());
      const after = await this.book.get(id);
      await this.ctx.audit.record({ at: this.ctx.clock.now(), actor: SYSTEM, action: o.test ? "incident.test" : "incident.open", entity: "incident", entityId: id, after });
      return { id, created: true };
    });
    return { incident: await this.announce(r.id), created: r.created };
  }

  /**
   * Ties the centre's operator-queue alarm to the open incident of the same key, if there is one; else to
   * the newest test incident of that key not tied yet (an alarm inside a test notice is recorded as a test,
   * closed at once), which is announced again so that the alarm is closed with it (centre-alarm-close.ts):
   * an alarm under test is recorded for the installer, not left in the operators' queue.
   */
  async linkCentreAlarm(installationId: number, key: string, alarmId: number): Promise<void> {
    const test = await this.ctx.db.tx(async () => {
      const id = await this.book.openId(installationId, key);
      if (id !== undefined) return void (await this.book.setCentreAlarm(id, alarmId));
      const t = await this.book.unlinkedTestId(installationId, key);
      if (t !== undefined) await this.book.setCentreAlarm(t, alarmId);
      return t;
    });
    if (test !== undefined) await this.announce(test);
  }

  async get(id: number): Promise<Incident> {
    return this.book.get(id);
  }

  /** The operators' live queue: open incidents, oldest first. */
  async queue(): Promise<Incident[]> {
    return this.book.list({ state: "open" });
  }

  /** An operator records a task's outcome; the next task opens. */
  async record(actor: string, taskId: number, outcome: unknown, note?: string): Promise<Incident> {
    const o = parseInput(TaskOutcome, outcome, "outcome");
    return this.announce(await this.ctx.db.tx(() => this.recordInTx(actor, taskId, o, note ?? null)));
  }

  /**
   * Carries out the open task through its port: places the call, sends the message or dispatches the
   * guard, and records what came of it. The provider is asked first; its answer is stored in one
   * transaction, so a provider failure leaves nothing written.
   */
  async run(actor: string, taskId: number): Promise<Incident> {
    const t = await this.book.task(taskId);
    const inc = await this.book.get(t.incidentId);
    if (inc.state !== "open") throw new ServicesError("conflict", `incident ${inc.id} is closed`);
    if (t.state !== "open") throw new ServicesError("conflict", `task ${taskId} is ${t.state}`);
    switch (t.kind) {
      case "call-contact":
      case "call-premises":
      case "police":
      case "fire-brigade": {
        if (!t.target.phone) throw new ServicesError("bad-input", `task ${taskId} has no phone number`, "target");
        const result = await this.port(() => this.ports.telephony.dial(t.target.phone!, `incident ${inc.id}: ${inc.title}`));
        return this.record(actor, taskId, result, `called ${t.target.phone}`);
      }
      case "notify": {
        if (!t.target.to || !t.target.channel) throw new ServicesError("bad-input", `task ${taskId} has no address`, "target");
        await this.port(async () => this.ports.messenger.send({ channel: t.target.channel!, to: t.target.to!, text: `Alarm at ${(await this.installations.get(inc.installationId)).name}: ${inc.title}` }));
        return this.record(actor, taskId, "sent", `${t.target.channel} to ${t.target.to}`);
      }
      case "guard":
        return this.dispatchGuard(actor, t, inc);
      default: {
        const never: never = t.kind;
        return never;
      }
    }
  }

  /**
   * Closes an incident by hand once its work is done (as a false alarm when the operator found it one);
   * tasks still waiting are cancelled.
   */
  async close(actor: string, incidentId: number, opts: { falseAlarm?: boolean; note?: string } = {}): Promise<Incident> {
    return this.announce(await this.ctx.db.tx(() => this.closeInTx(actor, incidentId, opts.falseAlarm ? "false-alarm" : "handled", "closed", opts.note)));
  }

  /** For the other services' transactions (false alarm, cancellation). */
  async closeInTx(actor: string, incidentId: number, outcome: IncidentOutcome, taskOutcome: TaskOutcome, note?: string, byCustomer = false): Promise<number> {
    const before = await this.book.get(incidentId);
    if (before.state !== "open") throw new ServicesError("conflict", `incident ${incidentId} is already closed`);
    const now = this.ctx.clock.now();
    await this.book.apply(closeAll(before.tasks, taskOutcome), actor, now, null);
    await this.book.close(incidentId, outcome, actor, now, byCustomer);
    await this.ctx.audit.record({ at: now, actor, action: `incident.close`, entity: "incident", entityId: incidentId, before, after: { ...await this.book.get(incidentId), note: note ?? null } });
    return incidentId;
  }

  /** Publishes the incident's state after commit. */
  async announce(id: number): Promise<Incident> {
    const inc = await this.book.get(id);
    this.ctx.events.emit("incident", inc);
    return inc;
  }

  private async recordInTx(actor: string, taskId: number, outcome: TaskOutcome, note: string | null): Promise<number> {
    const t = await this.book.task(taskId);
    const before = await this.book.get(t.incidentId);
    if (before.state !== "open") throw new ServicesError("conflict", `incident ${before.id} is closed`);
    const changes = afterOutcome(before.tasks, taskId, outcome);
    const now = this.ctx.clock.now();
    await this.book.apply(changes, actor, now, note === null ? null : { id: taskId, text: note });
    await this.ctx.audit.record({ at: now, actor, action: "task.outcome", entity: "task", entityId: taskId, before: t, after: await this.book.task(taskId) });
    return t.incidentId;
  }

  /** Resolves once no report from a provider is being written (tests: after advancing the clock). */
  idle(): Promise<void> {
    return this.reports.settled();
  }

  /** A provider's report arrives outside any request: written in the background, a failure announced. */
  private inbound(what: string, work: Promise<void>): void {
    this.reports.track(work.catch((e: unknown) => void this.ctx.events.emit("failed", what, e)));
  }

  private async dispatchGuard(actor: string, t: Task, inc: Incident): Promise<Incident> {
    const inst = await this.installations.get(inc.installationId);
    const d = await this.port(() =>
      this.ports.guard.dispatch(
        { incidentId: inc.id, installationId: inst.id, address: inst.address, reason: inc.title },
        {
          arrived: () => this.inbound("guard-on-site", this.fromGuard(t.id, "guard-on-site", "guard on site")),
          report: (text) => this.inbound("guard-report", this.fromGuard(t.id, "guard-report", text)),
        },
      ),
    );
    const id = await this.ctx.db.tx(async () => {
      const now = this.ctx.clock.now();
      const cur = await this.book.task(t.id);
      if (cur.state !== "open") throw new ServicesError("conflict", `task ${t.id} is ${cur.state}`);
      await this.book.apply([{ id: t.id, state: "in-progress" }], actor, now, { id: t.id, text: `guard ${d.ref} dispatched, ETA ${Math.round(d.etaMs / 60_000)} min` });
      await this.book.setRef(t.id, d.ref);
      // A dispatch is billed when it leaves, unless the subscription includes it; a later cancellation
      // by the customer does not take the charge back.
      let billing: number | null = null;
      if (!inst.dispatchIncluded) billing = await this.book.addBilling(inst.id, inc.id, "guard-dispatch", now, `guard ${d.ref} to ${inst.address}`);
      await this.ctx.audit.record({ at: now, actor, action: "task.guard-dispatch", entity: "task", entityId: t.id, before: t, after: { ...await this.book.task(t.id), billing } });
      return inc.id;
    });
    return this.announce(id);
  }

  /** The guard service reports in; after a cancellation the task is no longer waiting and it is only audited. */
  private async fromGuard(taskId: number, outcome: "guard-on-site" | "guard-report", text: string): Promise<void> {
    const id = await this.ctx.db.tx(async () => {
      const t = await this.book.task(taskId);
      if (t.state !== "in-progress") {
        await this.ctx.audit.record({ at: this.ctx.clock.now(), actor: "guard-service", action: `task.${outcome}.late`, entity: "task", entityId: taskId, after: { text } });
        return null;
      }
      return this.recordInTx("guard-service", taskId, outcome, text);
    });
    if (id !== null) await this.announce(id);
  }

  private async port<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw e instanceof ServicesError ? e : new ServicesError("port-failed", (e as Error).message);
    }
  }
}
