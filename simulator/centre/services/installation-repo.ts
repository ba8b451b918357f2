/**
 * The registry's rows: plain functions over the database, run inside the caller's transaction. The one
 * place its SQL lives, so another store (PostgreSQL) replaces this file, not the rules.
 */
import type { Installation } from "./installation-schema.js";
import type { ServicesDb } from "./services-db.js";

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
  constructor(private readonly db: ServicesDb) {}

  async insert(v: InstallationFields, at: number): Promise<number> {
    return Number(
      (await this.db.insert("INSERT INTO svc_installations (name, address, notes, time_zone, dispatch_included, last_inspection, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", v.name, v.address, v.notes, v.timeZone, v.dispatchIncluded ? 1 : 0, v.lastInspection, at, at)),
    );
  }

  async update(id: number, v: InstallationFields, at: number): Promise<void> {
    await this.db.run("UPDATE svc_installations SET name = ?, address = ?, notes = ?, time_zone = ?, dispatch_included = ?, last_inspection = ?, updated_at = ? WHERE id = ?", v.name, v.address, v.notes, v.timeZone, v.dispatchIncluded ? 1 : 0, v.lastInspection, at, id);
  }

  async touch(id: number, at: number): Promise<void> {
    await this.db.run("UPDATE svc_installations SET updated_at = ? WHERE id = ?", at, id);
  }

  async get(id: number): Promise<Installation | undefined> {
    const r = await this.db.get<Row>("SELECT * FROM svc_installations WHERE id = ?", id);
    return r && await this.toInstallation(r);
  }

  async exists(id: number): Promise<boolean> {
    return (await this.db.get("SELECT 1 FROM svc_installations WHERE id = ?", id)) !== undefined;
  }

  async list(): Promise<Installation[]> {
    const rows = await this.db.all<Row>("SELECT * FROM svc_installations ORDER BY id");
    // Every installation's panels in one query, not one per installation.
    const panels = new Map<number, string[]>();
    for (const p of await this.db.all<{ installation_id: number; panel: string }>("SELECT installation_id, panel FROM svc_installation_panels ORDER BY panel")) {
      panels.set(p.installation_id, [...(panels.get(p.installation_id) ?? []), p.panel]);
    }
    return rows.map((r) => this.withPanels(r, panels.get(r.id) ?? []));
  }

  async panelOwner(panel: string): Promise<number | undefined> {
    return ((await this.db.get<{ id: number }>("SELECT installation_id AS id FROM svc_installation_panels WHERE panel = ?", panel)))?.id;
  }

  async attachPanel(id: number, panel: string): Promise<void> {
    await this.db.run("INSERT INTO svc_installation_panels (panel, installation_id) VALUES (?, ?)", panel, id);
  }

  /** False when the panel was not on the installation. */
  async detachPanel(id: number, panel: string): Promise<boolean> {
    return (await this.db.run("DELETE FROM svc_installation_panels WHERE panel = ? AND installation_id = ?", panel, id)) > 0;
  }

  async setCallerHash(id: number, hash: string, at: number): Promise<void> {
    await this.db.run("UPDATE svc_installations SET caller_password_hash = ?, updated_at = ? WHERE id = ?", hash, at, id);
  }

  async callerHash(id: number): Promise<string | null> {
    return ((await this.db.get<{ h: string | null }>("SELECT caller_password_hash AS h FROM svc_installations WHERE id = ?", id)))?.h ?? null;
  }

  /** Wrong caller passwords so far and the lock, per installation. */
  async callerLockout(id: number): Promise<{ wrong: number; lockedUntil: number | null }> {
    const r = await this.db.get<{ wrong: number; locked_until: number | null }>("SELECT wrong, locked_until FROM svc_caller_lockout WHERE installation_id = ?", id);
    return { wrong: r?.wrong ?? 0, lockedUntil: r?.locked_until ?? null };
  }

  async setCallerLockout(id: number, wrong: number, lockedUntil: number | null): Promise<void> {
    await this.db.run("INSERT INTO svc_caller_lockout (installation_id, wrong, locked_until) VALUES (?, ?, ?) ON CONFLICT(installation_id) DO UPDATE SET wrong = excluded.wrong, locked_until = excluded.locked_until", id, wrong, lockedUntil);
  }

  async clearCallerLockout(id: number): Promise<void> {
    await this.db.run("DELETE FROM svc_caller_lockout WHERE installation_id = ?", id);
  }

  private async toInstallation(r: Row): Promise<Installation> {
    const panels = (await this.db.all<{ panel: string }>("SELECT panel FROM svc_installation_panels WHERE installation_id = ? ORDER BY panel", r.id)).map((p) => p.panel);
    return this.withPanels(r, panels);
  }

  private withPanels(r: Row, panels: string[]): Installation {
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
