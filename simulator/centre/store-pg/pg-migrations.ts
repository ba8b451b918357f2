/**
 * Versioned schema of the PostgreSQL centre store: a schema_version table and an ordered migration list,
 * applied at open. Version 1 is the tables of the SQLite store (db.ts) in PostgreSQL types; version 2 adds
 * what many receivers need; version 3 stores each signed frame's bytes once (as SQLite's version 3);
 * version 4 indexes frame keys by panel (as SQLite's version 4).
 * Each migration runs in its own transaction under a transaction-level advisory lock, so receivers
 * starting together apply it once.
 */
import type { Pool, PoolClient } from "pg";
import { StoreError } from "../store/store-error.js";

export interface PgMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: "centre tables",
    sql: `
CREATE TABLE panels (
  panel TEXT PRIMARY KEY,
  category TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen BIGINT,
  status TEXT,
  status_at BIGINT,
  gap_checked BIGINT,           -- every seq <= this was looked at by the gap check
  password_hash TEXT
);
CREATE TABLE frame_keys (
  kid TEXT PRIMARY KEY,
  panel TEXT NOT NULL REFERENCES panels(panel),
  public_pem TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE TABLE certificates (
  serial TEXT PRIMARY KEY,
  subject TEXT NOT NULL,
  role TEXT NOT NULL,
  issued_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE TABLE frames (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  panel TEXT NOT NULL,
  seq BIGINT NOT NULL,
  kid TEXT NOT NULL,
  sent BIGINT NOT NULL,
  received_at BIGINT NOT NULL,
  receiver TEXT NOT NULL,
  payload JSONB NOT NULL,        -- the verified UplinkPayload
  frame BYTEA NOT NULL,          -- the signed COSE_Sign1 bytes, kept as evidence
  UNIQUE (panel, seq)
);
CREATE TABLE alarms (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  panel TEXT NOT NULL,
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  title TEXT NOT NULL,
  priority INTEGER NOT NULL,
  state TEXT NOT NULL,
  operator TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX alarms_open ON alarms(panel, key) WHERE state <> 'closed';
CREATE INDEX alarms_queue ON alarms(state, priority, created_at);
CREATE TABLE alarm_frames (
  alarm_id BIGINT NOT NULL REFERENCES alarms(id),
  frame_id BIGINT NOT NULL REFERENCES frames(id),
  PRIMARY KEY (alarm_id, frame_id)
);
CREATE TABLE alarm_log (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alarm_id BIGINT NOT NULL REFERENCES alarms(id),
  at BIGINT NOT NULL,
  state TEXT NOT NULL,
  operator TEXT,
  note TEXT
);`,
  },
  {
    version: 2,
    name: "frames by arrival, for the gap detector's settled/unsettled reads; alarm states checked",
    sql: `
CREATE INDEX frames_arrival ON frames(panel, received_at);
ALTER TABLE alarms ADD CONSTRAINT alarms_state CHECK (state IN ('new', 'taken', 'handled', 'closed'));`,
  },
  {
    version: 3,
    name: "a batch frame's bytes stored once, referenced by each of its events' rows",
    // A batch frame (protocol/event-batch.ts) is one row per event: bytes that more than one row kept
    // move to signed_frames under their SHA-256, once, and those rows reference them by that digest (a
    // natural key: receivers writing at once need no id from each other, and a batch writes its rows and
    // its frames in one statement, pg-frames.ts). A frame of one event stays on its row, as before.
    sql: `
CREATE TABLE signed_frames (
  digest BYTEA PRIMARY KEY,      -- SHA-256 of the bytes (protocol/frame-ref.ts frameDigest)
  frame BYTEA NOT NULL           -- the signed COSE_Sign1 bytes as received, kept as evidence
);
INSERT INTO signed_frames (digest, frame)
  SELECT DISTINCT ON (d) d, frame FROM (SELECT sha256(frame) AS d, frame, count(*) OVER (PARTITION BY sha256(frame)) AS n FROM frames) x WHERE n > 1 ORDER BY d;
ALTER TABLE frames
  ADD COLUMN evidence BYTEA REFERENCES signed_frames(digest),
  ALTER COLUMN frame DROP NOT NULL;
UPDATE frames SET evidence = sha256(frame), frame = NULL WHERE sha256(frame) IN (SELECT digest FROM signed_frames);
ALTER TABLE frames ADD CONSTRAINT frames_evidence_once CHECK ((frame IS NULL) <> (evidence IS NULL));`,
  },
  {
    version: 4,
    name: "frame keys by panel, for a panel's retired flag and its revocation",
    // registry.ts PANEL_SELECT asks, for every panel it reads, whether it has revoked and live keys; without
    // this index a read of all panels (supervision start, the gap sweep) scans frame_keys once per panel.
    sql: "CREATE INDEX frame_keys_panel ON frame_keys(panel);",
  },
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]!.version;

/** Any constant both sides agree on: the migration lock's key (pg_advisory_xact_lock takes a bigint). */
const MIGRATION_LOCK = 0x6f70656e_616c6172n; // "openalar"

async function currentVersion(c: PoolClient): Promise<number> {
  await c.query("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
  const r = await c.query<{ v: number }>("SELECT COALESCE(MAX(version), 0)::int AS v FROM schema_version");
  return r.rows[0]!.v;
}

export async function pgSchemaVersion(pool: Pool): Promise<number> {
  const c = await pool.connect();
  try {
    const r = await c.query<{ v: number }>("SELECT COALESCE(MAX(version), 0)::int AS v FROM schema_version");
    return r.rows[0]!.v;
  } finally {
    c.release();
  }
}

/** Bring the database up to `target` (default: the newest); returns the version it is at. */
export async function migratePg(pool: Pool, at: number, target = PG_SCHEMA_VERSION): Promise<number> {
  const c = await pool.connect();
  try {
    for (;;) {
      await c.query("BEGIN");
      try {
        await c.query("SELECT pg_advisory_xact_lock($1::bigint)", [MIGRATION_LOCK.toString()]);
        const v = await currentVersion(c);
        if (v > PG_SCHEMA_VERSION) throw new StoreError("schema-too-new", `the centre database is at schema version ${v}; this build knows up to ${PG_SCHEMA_VERSION}`);
        const m = PG_MIGRATIONS.find((x) => x.version === v + 1);
        if (!m || m.version > target) {
          await c.query("COMMIT");
          return v;
        }
        await c.query(m.sql);
        await c.query("INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)", [m.version, m.name, at]);
        await c.query("COMMIT");
      } catch (e) {
        await c.query("ROLLBACK").catch(() => undefined);
        throw e;
      }
    }
  } finally {
    c.release();
  }
}
