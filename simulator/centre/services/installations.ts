/**
 * The installation registry: the site, its panels, its ordered contact persons (versioned), the caller
 * password (scrypt), the subscription and the date of the last annual inspection. Every write is one
 * transaction with its audit row.
 */
import { Documents, type Versioned } from "./documents.js";
import { InstallationRepo } from "./installation-repo.js";
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
import type { ServicesContext } from "./services-context.js";
import { ServicesError, notFound } from "./services-error.js";

/** Annual inspection (EN 50131-7 maintenance): due one year after the last. */
const INSPECTION_INTERVAL_MONTHS = 12;

export class Installations {
  readonly documents: Documents;
  readonly repo: InstallationRepo;

  constructor(
    private readonly ctx: ServicesContext,
    /** Whether the centre has provisioned this panel (its registry); without it any panel id is taken. */
    private readonly panelKnown?: (panel: string) => Promise<boolean>,
  ) {
    this.documents = new Documents(ctx.db);
    this.repo = new InstallationRepo(ctx.db);
  }

  async create(actor: string, input: InstallationInput): Promise<Installation> {
    const v = parseInput(InstallationInput, input);
    return this.ctx.db.tx(async () => {
      const now = this.ctx.clock.now();
      const id = await this.repo.insert(v, now);
      const after = await this.get(id);
      await this.ctx.audit.record({ at: now, actor, action: "installation.create", entity: "installation", entityId: id, after });
      return after;
    });
  }

  async update(actor: string, id: number, patch: InstallationPatch): Promise<Installation> {
    const v = parseInput(InstallationPatch, patch);
    return this.ctx.db.tx(async () => {
      const before = await this.get(id);
      const now = this.ctx.clock.now();
      const changes = Object.entries(v).filter(([k, x]) => x !== undefined && x !== before[k as keyof Installation]);
      // Nothing changes: nothing written, no audit row, updatedAt kept.
      if (changes.length === 0) return before;
      const next = { ...before, ...Object.fromEntries(changes) } as Installation;
      await this.repo.update(id, next, now);
      const after = await this.get(id);
      await this.ctx.audit.record({ at: now, actor, action: "installation.update", entity: "installation", entityId: id, before, after });
      return after;
    });
  }

  async get(id: number): Promise<Installation> {
    const i = await this.repo.get(id);
    if (!i) throw notFound(`installation ${id}`);
    return i;
  }

  async list(): Promise<Installation[]> {
    return this.repo.list();
  }

  /** The installation a panel belongs to, if it is registered to one. */
  async byPanel(panel: string): Promise<number | undefined> {
    return this.repo.panelOwner(panel);
  }

  async attachPanel(actor: string, id: number, panel: string): Promise<Installation> {
    const { panel: p } = parseInput(PanelRef, { panel });
    if (this.panelKnown && !(await this.panelKnown(p))) throw notFound(`panel ${p} (not provisioned at this centre: alarm-provision --panel ${p})`);
    return this.ctx.db.tx(async () => {
      const before = await this.get(id);
      const owner = await this.byPanel(p);
      if (owner !== undefined) throw new ServicesError("conflict", `panel ${p} belongs to installation ${owner}`, "panel");
      await this.repo.attachPanel(id, p);
      return this.touched(actor, "installation.attach-panel", before);
    });
  }

  async detachPanel(actor: string, id: number, panel: string): Promise<Installation> {
    return this.ctx.db.tx(async () => {
      const before = await this.get(id);
      if (!await this.repo.detachPanel(id, panel)) throw notFound(`panel ${panel} on installation ${id}`);
      return this.touched(actor, "installation.detach-panel", before);
    });
  }

  /** Stored as a salted scrypt hash only; the audit says that it changed, never what to. */
  async setCallerPassword(actor: string, id: number, password: string): Promise<void> {
    const p = parseInput(CallerPassword, password, "password");
    const hash = hashSecret(p, this.ctx.scrypt);
    await this.ctx.db.tx(async () => {
      await this.get(id);
      await this.repo.setCallerHash(id, hash, this.ctx.clock.now());
      await this.repo.clearCallerLockout(id);
      await this.ctx.audit.record({ at: this.ctx.clock.now(), actor, action: "installation.caller-password", entity: "installation", entityId: id, after: { callerPassword: "changed" } });
    });
  }

  async callerPasswordHash(id: number): Promise<string | null> {
    return this.repo.callerHash(id);
  }

  /** A new version of the contact list, in force from now; earlier alarms keep theirs. */
  async setContacts(actor: string, id: number, contacts: Contact[]): Promise<Versioned<Contact[]>> {
    const v = parseInput(Contacts, contacts, "contacts");
    return this.ctx.db.tx(async () => {
      await this.get(id);
      const now = this.ctx.clock.now();
      const before = await this.contactsAt(id, now);
      const version = await this.documents.put(id, "contacts", v, now, actor);
      await this.ctx.audit.record({ at: now, actor, action: "installation.contacts", entity: "installation", entityId: id, before: before ?? null, after: { version, contacts: v } });
      return { version, validFrom: now, actor, body: v };
    });
  }

  async contactsAt(id: number, at: number): Promise<Versioned<Contact[]> | undefined> {
    return this.documents.at(id, "contacts", at, Contacts);
  }

  async recordInspection(actor: string, id: number, date: string): Promise<Installation> {
    const d = parseInput(IsoDate, date, "date");
    return this.update(actor, id, { lastInspection: d });
  }

  /**
   * Installations whose annual inspection is due by `at` + `withinDays` (never inspected counts as due),
   * most overdue first.
   */
  async dueInspections(at: number, withinDays = 30): Promise<{ installation: Installation; dueDate: string | null }[]> {
    const horizon = new Date(at + withinDays * 86_400_000).toISOString().slice(0, 10);
    const out: { installation: Installation; dueDate: string | null }[] = [];
    for (const i of await this.list()) {
      const due = i.lastInspection === null ? null : addMonths(i.lastInspection, INSPECTION_INTERVAL_MONTHS);
      if (due === null || due <= horizon) out.push({ installation: i, dueDate: due });
    }
    return out.sort((a, b) => (a.dueDate ?? "").localeCompare(b.dueDate ?? ""));
  }

  private async touched(actor: string, action: string, before: Installation): Promise<Installation> {
    const now = this.ctx.clock.now();
    await this.repo.touch(before.id, now);
    const after = await this.get(before.id);
    await this.ctx.audit.record({ at: now, actor, action, entity: "installation", entityId: before.id, before, after });
    return after;
  }

}

/** YYYY-MM-DD plus whole months (29 Feb + 12 months = 1 Mar: the date overflows as Date.UTC does). */
function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1 + months, d)).toISOString().slice(0, 10);
}
