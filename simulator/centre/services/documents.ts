/**
 * Versioned per-installation documents (contacts, action plan, schedule): every change adds a version
 * valid from its instant, so the one in force at any earlier instant (the time of an alarm) stays readable.
 */
import type { z } from "zod";
import type { ServicesDb } from "./services-db.js";

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
  constructor(private readonly db: ServicesDb) {}

  /** Adds the next version; call inside the action's transaction. */
  async put(installation: number, kind: DocumentKind, body: unknown, at: number, actor: string): Promise<number> {
    const last = (await this.db.get<{ v: number | null }>("SELECT MAX(version) AS v FROM svc_documents WHERE installation_id = ? AND kind = ?", installation, kind))?.v ?? 0;
    await this.db.run("INSERT INTO svc_documents (installation_id, kind, version, valid_from, actor, body) VALUES (?, ?, ?, ?, ?, ?)", installation, kind, last + 1, at, actor, JSON.stringify(body));
    return last + 1;
  }

  /** The version in force at `at` (the latest whose validFrom <= at), checked by `schema`. */
  async at<S extends z.ZodType>(installation: number, kind: DocumentKind, at: number, schema: S): Promise<Versioned<z.infer<S>> | undefined> {
    const row = await this.db.get<Row>("SELECT version, valid_from, actor, body FROM svc_documents WHERE installation_id = ? AND kind = ? AND valid_from <= ? ORDER BY version DESC LIMIT 1", installation, kind, at);
    return row && { version: row.version, validFrom: row.valid_from, actor: row.actor, body: schema.parse(JSON.parse(row.body)) };
  }

  /** The version in force at `at` of every installation that has one, in one query (by installation id). */
  async allAt<S extends z.ZodType>(kind: DocumentKind, at: number, schema: S): Promise<Map<number, Versioned<z.infer<S>>>> {
    const rows = await this.db.all<Row & { installation_id: number }>(
      "SELECT d.installation_id, d.version, d.valid_from, d.actor, d.body FROM svc_documents d JOIN (SELECT installation_id, MAX(version) AS v FROM svc_documents WHERE kind = ? AND valid_from <= ? GROUP BY installation_id) m ON m.installation_id = d.installation_id AND m.v = d.version WHERE d.kind = ?",
      kind, at, kind,
    );
    return new Map(rows.map((r) => [r.installation_id, { version: r.version, validFrom: r.valid_from, actor: r.actor, body: schema.parse(JSON.parse(r.body)) }]));
  }

  async version<S extends z.ZodType>(installation: number, kind: DocumentKind, version: number, schema: S): Promise<Versioned<z.infer<S>> | undefined> {
    const row = await this.db.get<Row>("SELECT version, valid_from, actor, body FROM svc_documents WHERE installation_id = ? AND kind = ? AND version = ?", installation, kind, version);
    return row && { version: row.version, validFrom: row.valid_from, actor: row.actor, body: schema.parse(JSON.parse(row.body)) };
  }

  async history(installation: number, kind: DocumentKind): Promise<{ version: number; validFrom: number; actor: string }[]> {
    const rows = await this.db.all<Row>("SELECT version, valid_from, actor FROM svc_documents WHERE installation_id = ? AND kind = ? ORDER BY version", installation, kind);
    return rows.map((r) => ({ version: r.version, validFrom: r.valid_from, actor: r.actor }));
  }
}
