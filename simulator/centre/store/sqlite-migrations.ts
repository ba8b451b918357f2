/**
 * Versioned schema of the SQLite centre store: a schema_version table and an ordered migration list,
 * applied at open in one immediate transaction each. Version 1 is the schema db.ts creates (openCentreDb
 * runs it, idempotently, on every open), so a file written before versioning is recognised as version 1.
 * CentreStore.open applies them, so every connection (receiver, demo, tools) sees the newest schema.
 */
import { frameDigest } from "../../../protocol/frame-ref.js";
import type { Db } from "./db.js";
import { StoreError } from "./store-error.js";

export interface SqliteMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  /** Run on the connection before `sql`, in the same transaction (e.g. to register a function it calls). */
  readonly prepare?: (db: Db) => void;
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
  {
    version: 3,
    name: "a batch frame's bytes stored once, referenced by each of its events' rows",
    // A batch frame (protocol/event-batch.ts) is one row per event: bytes that more than one row kept
    // move to signed_frames under their SHA-256, once, and those rows reference them (their `frame` is
    // left empty: SQLite cannot drop the NOT NULL without rebuilding the table). A frame of one event
    // stays on its row, as before. ADD COLUMN cannot add a NOT NULL column with a REFERENCES clause while
    // foreign keys are on, so `evidence` is nullable: NULL means "the bytes are on this row".
    prepare: (db) => db.function("sha256", { deterministic: true }, (b: unknown) => frameDigest(b as Uint8Array)),
    sql: `
CREATE TABLE signed_frames (
  id INTEGER PRIMARY KEY,
  digest BLOB NOT NULL UNIQUE,   -- SHA-256 of the bytes (protocol/frame-ref.ts frameDigest)
  frame BLOB NOT NULL            -- the signed COSE_Sign1 bytes as received, kept as evidence
);
ALTER TABLE frames ADD COLUMN evidence INTEGER REFERENCES signed_frames(id);
INSERT INTO signed_frames (digest, frame) SELECT sha256(frame), frame FROM frames GROUP BY sha256(frame) HAVING count(*) > 1 ORDER BY min(id);
UPDATE frames SET evidence = (SELECT s.id FROM signed_frames s WHERE s.digest = sha256(frames.frame)), frame = X''
  WHERE sha256(frame) IN (SELECT digest FROM signed_frames);`,
  },
  {
    version: 4,
    name: "frame keys by panel, for a panel's retired flag and its revocation",
    // registry.ts PANEL_SELECT asks, for every panel it reads, whether it has revoked and live keys; without
    // this index a read of all panels (supervision start, the gap sweep) scans frame_keys once per panel.
    sql: "CREATE INDEX frame_keys_panel ON frame_keys(panel);",
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
    m.prepare?.(db);
    if (m.sql) db.exec(m.sql);
    db.prepare("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)").run(m.version, m.name, at);
  });
  const current = sqliteSchemaVersion(db);
  if (current > SQLITE_SCHEMA_VERSION) throw new StoreError("schema-too-new", `the centre database is at schema version ${current}; this build knows up to ${SQLITE_SCHEMA_VERSION}`);
  for (const m of SQLITE_MIGRATIONS) if (m.version > current && m.version <= target) step.immediate(m);
  return sqliteSchemaVersion(db);
}
