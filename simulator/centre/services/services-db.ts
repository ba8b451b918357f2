/**
 * Opening the services' schema on a centre database: applies every migration newer than the recorded
 * version, each in its own transaction, and refuses a database written by a newer version.
 */
import type Database from "better-sqlite3";
import { MIGRATIONS, type Migration } from "./migrations.js";
import { ServicesError } from "./services-error.js";

export type Db = Database.Database;

/** Returns the schema version now in force. */
export function migrateServices(db: Db, migrations: readonly Migration[] = MIGRATIONS, now = 0): number {
  db.exec("CREATE TABLE IF NOT EXISTS svc_schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
  const current = (db.prepare("SELECT MAX(version) AS v FROM svc_schema_version").get() as { v: number | null }).v ?? 0;
  const latest = migrations.reduce((m, x) => Math.max(m, x.version), 0);
  if (current > latest) throw new ServicesError("schema-too-new", `services schema is version ${current}; this build knows up to ${latest}`);
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare("INSERT INTO svc_schema_version (version, name, applied_at) VALUES (?, ?, ?)").run(m.version, m.name, now);
    }).immediate();
  }
  return Math.max(current, latest);
}
