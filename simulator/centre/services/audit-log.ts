/**
 * Every write of the services leaves one audit row: who, when, what, the entity before and after. It runs
 * inside the action's transaction, so an action and its audit commit together or not at all.
 */
import type { ServicesDb } from "./services-db.js";

export interface AuditEntry {
  readonly id: number;
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  readonly entity: string;
  readonly entityId: string;
  readonly before: unknown;
  readonly after: unknown;
}

export interface AuditInput {
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  readonly entity: string;
  readonly entityId: string | number;
  readonly before?: unknown;
  readonly after?: unknown;
}

interface Row {
  id: number;
  at: number;
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  before: string | null;
  after: string | null;
}

export class AuditLog {
  constructor(private readonly db: ServicesDb) {}

  async record(e: AuditInput): Promise<void> {
    await this.db.run("INSERT INTO svc_audit (at, actor, action, entity, entity_id, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)", e.at, e.actor, e.action, e.entity, String(e.entityId), e.before === undefined ? null : JSON.stringify(e.before), e.after === undefined ? null : JSON.stringify(e.after));
  }

  /** Newest first; optionally one entity's history. */
  async list(filter: { entity?: string; entityId?: string | number; limit?: number } = {}): Promise<AuditEntry[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.entity !== undefined) (where.push("entity = ?"), args.push(filter.entity));
    if (filter.entityId !== undefined) (where.push("entity_id = ?"), args.push(String(filter.entityId)));
    const sql = `SELECT * FROM svc_audit ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`;
    const rows = await this.db.all<Row>(sql, ...args, filter.limit ?? 1000);
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      before: r.before === null ? null : JSON.parse(r.before),
      after: r.after === null ? null : JSON.parse(r.after),
    }));
  }
}
