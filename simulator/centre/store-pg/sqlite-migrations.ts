/**
 * Versioned schema of the SQLite centre store: a schema_version table and an ordered migration list,
 * applied at open in one immediate transaction each. Version 1 is the schema db.ts creates (openCentreDb
 * runs it, idempotently, on every open), so a file written before versioning is recognised as version 1.
 */
import type { Db } from "../store/db.js";
import { StoreError } from "./store-error.js";

export interface SqliteMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  { version: 1, name: "centre tables (db.ts)", sql: "" },
  {
    version: 2,
    name: "leases for centre-wide timers",
    sql: `CREATE TABLE leases (
      name TEXT PRIMARY KEY,        -- the role, e.g. supervision
      holder TEXT NOT NULL,         -- the receiver that has it
      expires_at INTEGER NOT NULL   -- UTC ms; after this any receiver may take it
    );`,
  },
];

export const SQLITE_SCHEMA_VERSION = SQLITE_MIGRATIONS[SQLITE_MIGRATIONS.length - 1]!.version;

export function sqliteSchemaVersion(db: Db): number {
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
  return (db.prepare("SELECT COALESCE(MAX(version), 0) AS v FROM schema_version").get() as { v: number }).v;
}

/** Bring `db` (already opened by openCentreDb) up to `target`; returns the version it is at. */
export function migrateSqlite(db: Db, at: number, target = SQLITE_SCHEMA_VERSION): number {
  const step = db.transaction((m: SqliteMigration) => {
    if (sqliteSchemaVersion(db) >= m.version) return; // another process got there first
    if (m.sql) db.exec(m.sql);
    db.prepare("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)").run(m.version, m.name, at);
  });
  const current = sqliteSchemaVersion(db);
  if (current > SQLITE_SCHEMA_VERSION) throw new StoreError("schema-too-new", `the centre database is at schema version ${current}; this build knows up to ${SQLITE_SCHEMA_VERSION}`);
  for (const m of SQLITE_MIGRATIONS) if (m.version > current && m.version <= target) step.immediate(m);
  return sqliteSchemaVersion(db);
}
