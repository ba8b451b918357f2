/**
 * Versioned per-installation documents (contacts, action plan, schedule): every change adds a version
 * valid from its instant, so the one in force at any earlier instant (the time of an alarm) stays readable.
 */
import type { z } from "zod";
import type { Db } from "./services-db.js";

export type DocumentKind = "contacts" | "plan" | "schedule";

export interface Versioned<T> {
  readonly version: number;
  readonly validFrom: number;
  readonly actor: string;
  readonly body: T;
}

interface Row {
  version: number;
  valid_from: number;
  actor: string;
  body: string;
}

export class Documents {
  constructor(private readonly db: Db) {}

  /** Adds the next version; call inside the action's transaction. */
  put(installation: number, kind: DocumentKind, body: unknown, at: number, actor: string): number {
    const last = (this.db.prepare("SELECT MAX(version) AS v FROM svc_documents WHERE installation_id = ? AND kind = ?").get(installation, kind) as { v: number | null }).v ?? 0;
    this.db.prepare("INSERT INTO svc_documents (installation_id, kind, version, valid_from, actor, body) VALUES (?, ?, ?, ?, ?, ?)").run(installation, kind, last + 1, at, actor, JSON.stringify(body));
    return last + 1;
  }

  /** The version in force at `at` (the latest whose validFrom <= at), checked by `schema`. */
  at<S extends z.ZodType>(installation: number, kind: DocumentKind, at: number, schema: S): Versioned<z.infer<S>> | undefined {
    const row = this.db
      .prepare("SELECT version, valid_from, actor, body FROM svc_documents WHERE installation_id = ? AND kind = ? AND valid_from <= ? ORDER BY version DESC LIMIT 1")
      .get(installation, kind, at) as Row | undefined;
    return row && { version: row.version, validFrom: row.valid_from, actor: row.actor, body: schema.parse(JSON.parse(row.body)) };
  }

  version<S extends z.ZodType>(installation: number, kind: DocumentKind, version: number, schema: S): Versioned<z.infer<S>> | undefined {
    const row = this.db.prepare("SELECT version, valid_from, actor, body FROM svc_documents WHERE installation_id = ? AND kind = ? AND version = ?").get(installation, kind, version) as Row | undefined;
    return row && { version: row.version, validFrom: row.valid_from, actor: row.actor, body: schema.parse(JSON.parse(row.body)) };
  }

  history(installation: number, kind: DocumentKind): { version: number; validFrom: number; actor: string }[] {
    const rows = this.db.prepare("SELECT version, valid_from, actor FROM svc_documents WHERE installation_id = ? AND kind = ? ORDER BY version").all(installation, kind) as Row[];
    return rows.map((r) => ({ version: r.version, validFrom: r.valid_from, actor: r.actor }));
  }
}
