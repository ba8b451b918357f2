/** Incidents, their tasks and billing records in the services' tables. Runs inside the caller's transaction. */
import { Incident, Task, TaskTarget, type IncidentClass, type IncidentOutcome } from "./incident-schema.js";
import { camelRow } from "./camel-row.js";
import type { TaskSpec } from "./plan-tasks.js";
import type { ServicesDb } from "./services-db.js";
import { notFound } from "./services-error.js";
import type { TaskChange } from "./task-flow.js";

export interface NewIncident {
  readonly installationId: number;
  readonly panel: string | null;
  readonly centreAlarmId: number | null;
  readonly cls: IncidentClass;
  readonly key: string;
  readonly title: string;
  readonly at: number;
  readonly planVersion: number | null;
  readonly contactsVersion: number | null;
  /** Recorded as a test: closed at once, outcome "test", no tasks. */
  readonly test: boolean;
}

export interface BillingItem {
  readonly id: number;
  readonly installationId: number;
  readonly incidentId: number | null;
  readonly kind: string;
  readonly at: number;
  readonly note: string;
}

interface IncidentRow {
  id: number;
  installation_id: number;
  panel: string | null;
  centre_alarm_id: number | null;
  class: string;
  key: string;
  title: string;
  state: string;
  outcome: string | null;
  opened_at: number;
  closed_at: number | null;
  closed_by: string | null;
  plan_version: number | null;
  contacts_version: number | null;
  cancelled_by_customer: number;
}

interface TaskRow {
  id: number;
  incident_id: number;
  step: number;
  kind: string;
  target: string;
  state: string;
  outcome: string | null;
  note: string | null;
  ref: string | null;
  operator: string | null;
  updated_at: number;
}

export class IncidentBook {
  constructor(private readonly db: ServicesDb) {}

  async insert(n: NewIncident): Promise<number> {
    return this.db.insert(
      "INSERT INTO svc_incidents (installation_id, panel, centre_alarm_id, class, key, title, state, outcome, opened_at, closed_at, closed_by, plan_version, contacts_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      n.installationId, n.panel, n.centreAlarmId, n.cls, n.key, n.title, n.test ? "closed" : "open", n.test ? "test" : null, n.at, n.test ? n.at : null, n.test ? "system" : null, n.planVersion, n.contactsVersion,
    );
  }

  async openId(installationId: number, key: string): Promise<number | undefined> {
    return ((await this.db.get<{ id: number }>("SELECT id FROM svc_incidents WHERE installation_id = ? AND key = ? AND state = 'open'", installationId, key)))?.id;
  }

  /** The newest test incident (closed at once) of this key that no centre alarm is tied to yet. */
  async unlinkedTestId(installationId: number, key: string): Promise<number | undefined> {
    const r = await this.db.get<{ id: number }>("SELECT id FROM svc_incidents WHERE installation_id = ? AND key = ? AND outcome = 'test' AND centre_alarm_id IS NULL ORDER BY id DESC LIMIT 1", installationId, key);
    return r?.id;
  }

  /** The plan's tasks in one statement, ids in plan order (not a round trip each inside the opening transaction). */
  async addTasks(incidentId: number, specs: readonly TaskSpec[], at: number): Promise<void> {
    if (specs.length === 0) return;
    await this.db.run(
      `INSERT INTO svc_tasks (incident_id, step, kind, target, state, updated_at) VALUES ${specs.map(() => "(?, ?, ?, ?, ?, ?)").join(", ")}`,
      ...specs.flatMap((s, i) => [incidentId, s.step, s.kind, JSON.stringify(s.target), i === 0 ? "open" : "pending", at]),
    );
  }

  async setCentreAlarm(id: number, alarmId: number): Promise<void> {
    await this.db.run("UPDATE svc_incidents SET centre_alarm_id = ? WHERE id = ? AND centre_alarm_id IS NULL", alarmId, id);
  }

  async get(id: number): Promise<Incident> {
    const r = await this.db.get<IncidentRow>("SELECT * FROM svc_incidents WHERE id = ?", id);
    if (!r) throw notFound(`incident ${id}`);
    return this.toIncident(r);
  }

  async list(f: { state?: "open" | "closed"; installationId?: number; from?: number; to?: number } = {}): Promise<Incident[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.state) (where.push("state = ?"), args.push(f.state));
    if (f.installationId !== undefined) (where.push("installation_id = ?"), args.push(f.installationId));
    if (f.from !== undefined) (where.push("opened_at >= ?"), args.push(f.from));
    if (f.to !== undefined) (where.push("opened_at < ?"), args.push(f.to));
    const chosen = `FROM svc_incidents ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY opened_at, id LIMIT 10000`;
    const rows = await this.db.all<IncidentRow>(`SELECT * ${chosen}`, ...args);
    // Their tasks in one query, not one per incident (a round trip each on PostgreSQL).
    const tasks = new Map<number, Task[]>();
    for (const t of await this.db.all<TaskRow>(`SELECT * FROM svc_tasks WHERE incident_id IN (SELECT id ${chosen}) ORDER BY id`, ...args)) {
      const list = tasks.get(t.incident_id) ?? [];
      list.push(toTask(t));
      tasks.set(t.incident_id, list);
    }
    return rows.map((r) => this.withTasks(r, tasks.get(r.id) ?? []));
  }

  async task(id: number): Promise<Task> {
    const r = await this.db.get<TaskRow>("SELECT * FROM svc_tasks WHERE id = ?", id);
    if (!r) throw notFound(`task ${id}`);
    return toTask(r);
  }

  async tasks(incidentId: number): Promise<Task[]> {
    return (await this.db.all<TaskRow>("SELECT * FROM svc_tasks WHERE incident_id = ? ORDER BY id", incidentId)).map(toTask);
  }

  async apply(changes: readonly TaskChange[], operator: string | null, at: number, note: { id: number; text: string } | null): Promise<void> {
    for (const c of changes) {
      await this.db.run("UPDATE svc_tasks SET state = ?, outcome = COALESCE(?, outcome), operator = COALESCE(?, operator), updated_at = ? WHERE id = ?", c.state, c.outcome ?? null, c.state === "open" ? null : operator, at, c.id);
    }
    if (note) await this.db.run("UPDATE svc_tasks SET note = ? WHERE id = ?", note.text, note.id);
  }

  async setRef(taskId: number, ref: string): Promise<void> {
    await this.db.run("UPDATE svc_tasks SET ref = ? WHERE id = ?", ref, taskId);
  }

  async close(id: number, outcome: IncidentOutcome, actor: string, at: number, byCustomer = false): Promise<void> {
    await this.db.run("UPDATE svc_incidents SET state = 'closed', outcome = ?, closed_at = ?, closed_by = ?, cancelled_by_customer = ? WHERE id = ?", outcome, at, actor, byCustomer ? 1 : 0, id);
  }

  async addBilling(installationId: number, incidentId: number | null, kind: string, at: number, note: string): Promise<number> {
    return this.db.insert("INSERT INTO svc_billing (installation_id, incident_id, kind, at, note) VALUES (?, ?, ?, ?, ?)", installationId, incidentId, kind, at, note);
  }

  async billing(installationId: number, from: number, to: number): Promise<BillingItem[]> {
    const rows = await this.db.all<{
      id: number;
      installation_id: number;
      incident_id: number | null;
      kind: string;
      at: number;
      note: string;
    }>("SELECT * FROM svc_billing WHERE installation_id = ? AND at >= ? AND at < ? ORDER BY at, id", installationId, from, to);
    return rows.map((r) => ({ id: r.id, installationId: r.installation_id, incidentId: r.incident_id, kind: r.kind, at: r.at, note: r.note }));
  }

  private async toIncident(r: IncidentRow): Promise<Incident> {
    return this.withTasks(r, await this.tasks(r.id));
  }

  private withTasks({ class: cls, cancelled_by_customer, ...r }: IncidentRow, tasks: Task[]): Incident {
    return Incident.parse({ ...camelRow(r), cls, cancelledByCustomer: cancelled_by_customer === 1, tasks });
  }
}

function toTask(r: TaskRow): Task {
  return Task.parse({ ...camelRow(r), target: TaskTarget.parse(JSON.parse(r.target)) });
}
