/**
 * The centre's durable store: one SQLite file in WAL mode. Several receivers (threads, processes) may
 * open the same file: SQLite serialises writers, and UNIQUE(panel, seq) makes "no frame handled twice"
 * a property of the file itself, across receivers and restarts.
 */
import type { Clock } from "../../../protocol/clock.js";
import type { WalCheckpointOptions } from "../../../firmware/store/wal-checkpoint.js";
import Database from "better-sqlite3";

export type Db = Database.Database;
export type Statement = Database.Statement;

/** Prepare each SQL text once per connection: preparing costs more than running these small statements. */
export function statementCache(db: Db): (sql: string) => Statement {
  const cache = new Map<string, Statement>();
  return (sql) => {
    let st = cache.get(sql);
    if (!st) cache.set(sql, (st = db.prepare(sql)));
    return st;
  };
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS panels (
  panel TEXT PRIMARY KEY,
  category TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen INTEGER,
  status TEXT,
  status_at INTEGER,
  gap_checked INTEGER,          -- every seq <= this was looked at by the gap check
  password_hash TEXT            -- scrypt hash for plain-TCP demo logins, NULL when certificate-only
);
CREATE TABLE IF NOT EXISTS frame_keys (
  kid TEXT PRIMARY KEY,
  panel TEXT NOT NULL REFERENCES panels(panel),
  public_pem TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE TABLE IF NOT EXISTS certificates (
  serial TEXT PRIMARY KEY,       -- lower-case hex, no leading zeros stripped
  subject TEXT NOT NULL,
  role TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE TABLE IF NOT EXISTS frames (
  id INTEGER PRIMARY KEY,
  panel TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kid TEXT NOT NULL,
  sent INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  receiver TEXT NOT NULL,
  payload TEXT NOT NULL,         -- the verified UplinkPayload as JSON
  frame BLOB NOT NULL,           -- the signed COSE_Sign1 bytes, kept as evidence (empty from schema v3 when
  UNIQUE (panel, seq)            -- evidence, added by sqlite-migrations.ts, names a shared batch frame)
);
CREATE TABLE IF NOT EXISTS alarms (
  id INTEGER PRIMARY KEY,
  panel TEXT NOT NULL,
  kind TEXT NOT NULL,            -- event | transmission-fault | lost-events | flooding
  key TEXT NOT NULL,             -- what makes two reports the same open alarm
  title TEXT NOT NULL,
  priority INTEGER NOT NULL,
  state TEXT NOT NULL,
  operator TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS alarms_open ON alarms(panel, key) WHERE state != 'closed';
CREATE INDEX IF NOT EXISTS alarms_queue ON alarms(state, priority, created_at);
CREATE TABLE IF NOT EXISTS alarm_frames (
  alarm_id INTEGER NOT NULL REFERENCES alarms(id),
  frame_id INTEGER NOT NULL REFERENCES frames(id),
  PRIMARY KEY (alarm_id, frame_id)
);
CREATE TABLE IF NOT EXISTS alarm_log (
  id INTEGER PRIMARY KEY,
  alarm_id INTEGER NOT NULL REFERENCES alarms(id),
  at INTEGER NOT NULL,
  state TEXT NOT NULL,
  operator TEXT,
  note TEXT
);
`;

export interface OpenDbOptions {
  /** FULL (default): a commit survives power loss. NORMAL: survives a process crash only. */
  readonly synchronous?: "FULL" | "NORMAL";
  /**
   * The WAL checkpointed on this clock while this connection is quiet (firmware/store/wal-checkpoint.ts),
   * not inside a receiver's batch commit; absent: SQLite's automatic checkpoint.
   */
  readonly checkpoint?: WalCheckpointOptions & { readonly clock: Clock };
}

export function openCentreDb(path: string, opts: OpenDbOptions = {}): Db {
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${opts.synchronous ?? "FULL"}`);
  db.pragma("busy_timeout = 10000");
  db.pragma("foreign_keys = ON");
  db.exec(SCHEMA);
  return db;
}
