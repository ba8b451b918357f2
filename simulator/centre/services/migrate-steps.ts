/**
 * The services' migrations applied the same way on both databases (sqlite-services-db.ts,
 * pg-services-db.ts): each step in its own transaction, the recorded version read inside it, so a second
 * opener (another alarm-centre process) waits for the lock and then finds the step done, and a failed step
 * leaves the previous version in force. A database written by a newer build is refused.
 */
import type { Migration } from "./migrations.js";
import { ServicesError } from "./services-error.js";

export interface MigrationTarget {
  /** One transaction that no other migrator of the same database runs beside. */
  tx<T>(fn: () => Promise<T>): Promise<T>;
  /** Inside `tx`: creates the version table when missing; the version recorded, 0 when none. */
  version(): Promise<number>;
  /** Inside `tx`: runs a migration's DDL and records its version. */
  apply(m: Migration, now: number): Promise<void>;
}

/** Applies every migration newer than the recorded version; returns the version now in force. */
export async function migrateInSteps(target: MigrationTarget, migrations: readonly Migration[], now: number): Promise<number> {
  const latest = migrations.reduce((m, x) => Math.max(m, x.version), 0);
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (;;) {
    const done = await target.tx(async () => {
      const current = await target.version();
      if (current > latest) throw new ServicesError("schema-too-new", `services schema is version ${current}; this build knows up to ${latest}`);
      const next = sorted.find((m) => m.version > current);
      if (!next) return current;
      await target.apply(next, now);
      return undefined;
    });
    if (done !== undefined) return done;
  }
}

/** The version table, in the SQL both databases accept (PostgreSQL's through pgDdl). */
export const VERSION_TABLE = "CREATE TABLE IF NOT EXISTS svc_schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";
export const RECORD_VERSION = "INSERT INTO svc_schema_version (version, name, applied_at) VALUES (?, ?, ?)";
