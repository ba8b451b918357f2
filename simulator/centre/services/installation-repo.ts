/**
 * The registry's rows: plain functions over the database, run inside the caller's transaction. The one
 * place its SQL lives, so another store (PostgreSQL) replaces this file, not the rules.
 */
import type { Installation } from "./installation-schema.js";
import type { Db } from "./services-db.js";

interface Row {
  id: number;
  name: string;
  address: string;
  notes: string;
  time_zone: string;
  dispatch_included: number;
  caller_password_hash: string | null;
  last_inspection: string | null;
  created_at: number;
  updated_at: number;
}

export type InstallationFields = Pick<Installation, "name" | "address" | "notes" | "timeZone" | "dispatchIncluded" | "lastInspection">;

export class InstallationRepo {
  constructor(private readonly db: Db) {}

  insert(v: InstallationFields, at: number): number {
    return Number(
      this.db
        .prepare("INSERT INTO svc_installations (name, address, notes, time_zone, dispatch_included, last_inspection, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .run(v.name, v.address, v.notes, v.timeZone, v.dispatchIncluded ? 1 : 0, v.lastInspection, at, at).lastInsertRowid,
    );
  }

  update(id: number, v: InstallationFields, at: number): void {
    this.db
      .prepare("UPDATE svc_installations SET name = ?, address = ?, notes = ?, time_zone = ?, dispatch_included = ?, last_inspection = ?, updated_at = ? WHERE id = ?")
      .run(v.name, v.address, v.notes, v.timeZone, v.dispatchIncluded ? 1 : 0, v.lastInspection, at, id);
  }

  touch(id: number, at: number): void {
    this.db.prepare("UPDATE svc_installations SET updated_at = ? WHERE id = ?").run(at, id);
  }

  get(id: number): Installation | undefined {
    const r = this.db.prepare("SELECT * FROM svc_installations WHERE id = ?").get(id) as Row | undefined;
    return r && this.toInstallation(r);
  }

  exists(id: number): boolean {
    return this.db.prepare("SELECT 1 FROM svc_installations WHERE id = ?").get(id) !== undefined;
  }

  list(): Installation[] {
    return (this.db.prepare("SELECT * FROM svc_installations ORDER BY id").all() as Row[]).map((r) => this.toInstallation(r));
  }

  panelOwner(panel: string): number | undefined {
    return (this.db.prepare("SELECT installation_id AS id FROM svc_installation_panels WHERE panel = ?").get(panel) as { id: number } | undefined)?.id;
  }

  attachPanel(id: number, panel: string): void {
    this.db.prepare("INSERT INTO svc_installation_panels (panel, installation_id) VALUES (?, ?)").run(panel, id);
  }

  /** False when the panel was not on the installation. */
  detachPanel(id: number, panel: string): boolean {
    return this.db.prepare("DELETE FROM svc_installation_panels WHERE panel = ? AND installation_id = ?").run(panel, id).changes > 0;
  }

  setCallerHash(id: number, hash: string, at: number): void {
    this.db.prepare("UPDATE svc_installations SET caller_password_hash = ?, updated_at = ? WHERE id = ?").run(hash, at, id);
  }

  callerHash(id: number): string | null {
    return (this.db.prepare("SELECT caller_password_hash AS h FROM svc_installations WHERE id = ?").get(id) as { h: string | null } | undefined)?.h ?? null;
  }

  /** Wrong caller passwords so far and the lock, per installation. */
  callerLockout(id: number): { wrong: number; lockedUntil: number | null } {
    const r = this.db.prepare("SELECT wrong, locked_until FROM svc_caller_lockout WHERE installation_id = ?").get(id) as { wrong: number; locked_until: number | null } | undefined;
    return { wrong: r?.wrong ?? 0, lockedUntil: r?.locked_until ?? null };
  }

  setCallerLockout(id: number, wrong: number, lockedUntil: number | null): void {
    this.db
      .prepare("INSERT INTO svc_caller_lockout (installation_id, wrong, locked_until) VALUES (?, ?, ?) ON CONFLICT(installation_id) DO UPDATE SET wrong = excluded.wrong, locked_until = excluded.locked_until")
      .run(id, wrong, lockedUntil);
  }

  clearCallerLockout(id: number): void {
    this.db.prepare("DELETE FROM svc_caller_lockout WHERE installation_id = ?").run(id);
  }

  private toInstallation(r: Row): Installation {
    const panels = (this.db.prepare("SELECT panel FROM svc_installation_panels WHERE installation_id = ? ORDER BY panel").all(r.id) as { panel: string }[]).map((p) => p.panel);
    return {
      id: r.id,
      name: r.name,
      address: r.address,
      notes: r.notes,
      timeZone: r.time_zone,
      dispatchIncluded: r.dispatch_included === 1,
      hasCallerPassword: r.caller_password_hash !== null,
      lastInspection: r.last_inspection,
      panels,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }
}
