/**
 * The gateway's SQLite file. WAL with synchronous=FULL: a commit is on disk (the WAL is fsynced) before
 * the call returns, so a reported event survives a power cut ("committed durably"). Rows read back are
 * checked by their schema (store-rows.ts).
 */
import Database from "better-sqlite3";
import { GatewayError } from "./errors.js";
import { checkOptionalRow, MetaRow } from "./store-rows.js";

export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (k, v) VALUES ('next_seq', 0);
-- Clustered by (class, seq): an enqueue writes one leaf page (no secondary index, no counter row),
-- which keeps a durable enqueue as cheap as a bare single-row commit; delivery order is a range scan.
CREATE TABLE IF NOT EXISTS items (
  prio INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  code INTEGER NOT NULL,
  body TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  queued INTEGER NOT NULL,
  parked INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (prio, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS executed (id TEXT PRIMARY KEY, exp INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS owner (panel TEXT PRIMARY KEY) WITHOUT ROWID;
`;

export function openDatabase(path: string): Db {
  // Nothing else should hold this file; if something does (a backup), the panel waits at most 1 s.
  const db = new Database(path, { timeout: 1000 });
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec(SCHEMA);
  return db;
}

/** Small persisted facts (link-loss start and the like) next to the sequence counter. */
export function readMeta(db: Db, key: string): number | undefined {
  return checkOptionalRow(MetaRow, "meta", db.prepare("SELECT v FROM meta WHERE k = ?").get(key))?.v;
}

export function writeMeta(db: Db, key: string, value: number | undefined): void {
  if (value === undefined) db.prepare("DELETE FROM meta WHERE k = ?").run(key);
  else db.prepare("INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v").run(key, value);
}

/**
 * The file belongs to the panel that first opened it: its sequence numbers continue only there. Another
 * panel's outbox (a copied data directory, a wrong --data) would send that panel's numbers under this
 * panel's name, which the centre takes as duplicates and drops: refused here instead, by name.
 */
export function claimOwner(db: Db, panel: string, path: string): void {
  const owners = (db.prepare("SELECT panel FROM owner").all() as { panel: unknown }[]).map((r) => String(r.panel));
  if (owners.length === 0) return void db.prepare("INSERT INTO owner (panel) VALUES (?)").run(panel);
  if (owners.length !== 1 || owners[0] !== panel) {
    throw new GatewayError("data-mismatch", `${path} holds the outbox of panel ${owners.filter((o) => o !== panel).join(", ")}, not of ${panel}: give each panel its own data directory`);
  }
}
