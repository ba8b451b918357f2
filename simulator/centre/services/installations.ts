/**
 * The installation registry: the site, its panels, its ordered contact persons (versioned), the caller
 * password (scrypt), the subscription and the date of the last annual inspection. Every write is one
 * transaction with its audit row.
 */
import { Documents, type Versioned } from "./documents.js";
import {
  CallerPassword,
  Contacts,
  Installation,
  InstallationInput,
  InstallationPatch,
  IsoDate,
  PanelRef,
  type Contact,
} from "./installation-schema.js";
import { parseInput } from "./parse-input.js";
import { hashSecret } from "./secret-hash.js";
import { inTx, type ServicesContext } from "./services-context.js";
import { ServicesError, notFound } from "./services-error.js";

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

/** Annual inspection (EN 50131-7 maintenance): due one year after the last. */
const INSPECTION_INTERVAL_MONTHS = 12;

export class Installations {
  readonly documents: Documents;

  constructor(private readonly ctx: ServicesContext) {
    this.documents = new Documents(ctx.db);
  }

  create(actor: string, input: InstallationInput): Installation {
    const v = parseInput(InstallationInput, input);
    return inTx(this.ctx.db, () => {
      const now = this.ctx.clock.now();
      const id = Number(
        this.ctx.db
          .prepare("INSERT INTO svc_installations (name, address, notes, time_zone, dispatch_included, last_inspection, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
          .run(v.name, v.address, v.notes, v.timeZone, v.dispatchIncluded ? 1 : 0, v.lastInspection, now, now).lastInsertRowid,
      );
      const after = this.get(id);
      this.ctx.audit.record({ at: now, actor, action: "installation.create", entity: "installation", entityId: id, after });
      return after;
    });
  }

  update(actor: string, id: number, patch: InstallationPatch): Installation {
    const v = parseInput(InstallationPatch, patch);
    return inTx(this.ctx.db, () => {
      const before = this.get(id);
      const now = this.ctx.clock.now();
      const next = { ...before, ...Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) } as Installation;
      this.ctx.db
        .prepare("UPDATE svc_installations SET name = ?, address = ?, notes = ?, time_zone = ?, dispatch_included = ?, last_inspection = ?, updated_at = ? WHERE id = ?")
        .run(next.name, next.address, next.notes, next.timeZone, next.dispatchIncluded ? 1 : 0, next.lastInspection, now, id);
      const after = this.get(id);
      this.ctx.audit.record({ at: now, actor, action: "installation.update", entity: "installation", entityId: id, before, after });
      return after;
    });
  }

  get(id: number): Installation {
    const r = this.ctx.db.prepare("SELECT * FROM svc_installations WHERE id = ?").get(id) as Row | undefined;
    if (!r) throw notFound(`installation ${id}`);
    return this.toInstallation(r);
  }

  list(): Installation[] {
    return (this.ctx.db.prepare("SELECT * FROM svc_installations ORDER BY id").all() as Row[]).map((r) => this.toInstallation(r));
  }

  /** The installation a panel belongs to, if it is registered to one. */
  byPanel(panel: string): number | undefined {
    return (this.ctx.db.prepare("SELECT installation_id AS id FROM svc_installation_panels WHERE panel = ?").get(panel) as { id: number } | undefined)?.id;
  }

  attachPanel(actor: string, id: number, panel: string): Installation {
    const { panel: p } = parseInput(PanelRef, { panel });
    return inTx(this.ctx.db, () => {
      const before = this.get(id);
      const owner = this.byPanel(p);
      if (owner !== undefined) throw new ServicesError("conflict", `panel ${p} belongs to installation ${owner}`, "panel");
      this.ctx.db.prepare("INSERT INTO svc_installation_panels (panel, installation_id) VALUES (?, ?)").run(p, id);
      return this.touched(actor, "installation.attach-panel", before);
    });
  }

  detachPanel(actor: string, id: number, panel: string): Installation {
    return inTx(this.ctx.db, () => {
      const before = this.get(id);
      const r = this.ctx.db.prepare("DELETE FROM svc_installation_panels WHERE panel = ? AND installation_id = ?").run(panel, id);
      if (r.changes === 0) throw notFound(`panel ${panel} on installation ${id}`);
      return this.touched(actor, "installation.detach-panel", before);
    });
  }

  /** Stored as a salted scrypt hash only; the audit says that it changed, never what to. */
  setCallerPassword(actor: string, id: number, password: string): void {
    const p = parseInput(CallerPassword, password, "password");
    const hash = hashSecret(p, this.ctx.scrypt);
    inTx(this.ctx.db, () => {
      this.get(id);
      this.ctx.db.prepare("UPDATE svc_installations SET caller_password_hash = ?, updated_at = ? WHERE id = ?").run(hash, this.ctx.clock.now(), id);
      this.ctx.db.prepare("DELETE FROM svc_caller_lockout WHERE installation_id = ?").run(id);
      this.ctx.audit.record({ at: this.ctx.clock.now(), actor, action: "installation.caller-password", entity: "installation", entityId: id, after: { callerPassword: "changed" } });
    });
  }

  callerPasswordHash(id: number): string | null {
    return (this.ctx.db.prepare("SELECT caller_password_hash AS h FROM svc_installations WHERE id = ?").get(id) as { h: string | null } | undefined)?.h ?? null;
  }

  /** A new version of the contact list, in force from now; earlier alarms keep theirs. */
  setContacts(actor: string, id: number, contacts: Contact[]): Versioned<Contact[]> {
    const v = parseInput(Contacts, contacts, "contacts");
    return inTx(this.ctx.db, () => {
      this.get(id);
      const now = this.ctx.clock.now();
      const before = this.contactsAt(id, now);
      const version = this.documents.put(id, "contacts", v, now, actor);
      this.ctx.audit.record({ at: now, actor, action: "installation.contacts", entity: "installation", entityId: id, before: before ?? null, after: { version, contacts: v } });
      return { version, validFrom: now, actor, body: v };
    });
  }

  contactsAt(id: number, at: number): Versioned<Contact[]> | undefined {
    return this.documents.at(id, "contacts", at, Contacts);
  }

  recordInspection(actor: string, id: number, date: string): Installation {
    const d = parseInput(IsoDate, date, "date");
    return this.update(actor, id, { lastInspection: d });
  }

  /**
   * Installations whose annual inspection is due by `at` + `withinDays` (never inspected counts as due),
   * most overdue first.
   */
  dueInspections(at: number, withinDays = 30): { installation: Installation; dueDate: string | null }[] {
    const horizon = new Date(at + withinDays * 86_400_000).toISOString().slice(0, 10);
    const out: { installation: Installation; dueDate: string | null }[] = [];
    for (const i of this.list()) {
      const due = i.lastInspection === null ? null : addMonths(i.lastInspection, INSPECTION_INTERVAL_MONTHS);
      if (due === null || due <= horizon) out.push({ installation: i, dueDate: due });
    }
    return out.sort((a, b) => (a.dueDate ?? "").localeCompare(b.dueDate ?? ""));
  }

  private touched(actor: string, action: string, before: Installation): Installation {
    const now = this.ctx.clock.now();
    this.ctx.db.prepare("UPDATE svc_installations SET updated_at = ? WHERE id = ?").run(now, before.id);
    const after = this.get(before.id);
    this.ctx.audit.record({ at: now, actor, action, entity: "installation", entityId: before.id, before, after });
    return after;
  }

  private toInstallation(r: Row): Installation {
    const panels = (this.ctx.db.prepare("SELECT panel FROM svc_installation_panels WHERE installation_id = ? ORDER BY panel").all(r.id) as { panel: string }[]).map((p) => p.panel);
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

/** YYYY-MM-DD plus whole months (29 Feb + 12 months = 1 Mar: the date overflows as Date.UTC does). */
function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1 + months, d)).toISOString().slice(0, 10);
}
