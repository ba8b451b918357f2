/**
 * SQLite PanelStore (better-sqlite3, WAL, synchronous=FULL so a committed entry survives power loss).
 * The event log is a ring: slot = seq mod capacity, so the file never grows past `capacity` rows
 * (EN 50131-1 asks 100-500 events; we keep at least 10,000).
 */
import Database from "better-sqlite3";
import { FirmwareError } from "../firmware-error.js";
import type { NvState } from "../core/panel-state.js";
import type { LogEntry, NewLogEntry, PanelStore } from "./panel-store.js";

interface Row {
  seq: number;
  at: number;
  what: string;
  code: number | null;
  q: number | null;
  area: number | null;
  zone: number | null;
  user: number | null;
}

export class SqliteStore implements PanelStore {
  readonly #db: Database.Database;
  #seq: number;
  readonly #insert: Database.Statement;

  constructor(file: string, readonly capacity = 10_000) {
    try {
      this.#db = new Database(file);
      this.#db.pragma("journal_mode = WAL");
      this.#db.pragma("synchronous = FULL");
      this.#db.exec(`
        CREATE TABLE IF NOT EXISTS log (slot INTEGER PRIMARY KEY, seq INTEGER NOT NULL, at INTEGER NOT NULL, what TEXT NOT NULL,
          code INTEGER, q INTEGER, area INTEGER, zone INTEGER, user INTEGER);
        CREATE INDEX IF NOT EXISTS log_seq ON log(seq);
        CREATE TABLE IF NOT EXISTS nv (k TEXT PRIMARY KEY, v TEXT NOT NULL);`);
    } catch (e) {
      throw new FirmwareError("store-failed", `${file}: ${(e as Error).message}`);
    }
    this.#seq = (this.#db.prepare("SELECT MAX(seq) AS s FROM log").get() as { s: number | null }).s ?? 0;
    this.#insert = this.#db.prepare(
      "INSERT OR REPLACE INTO log (slot, seq, at, what, code, q, area, zone, user) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
  }

  append(e: NewLogEntry): void {
    const seq = this.#seq + 1;
    try {
      this.#insert.run(seq % this.capacity, seq, e.at, e.what, e.code ?? null, e.q ?? null, e.area ?? null, e.zone ?? null, e.user ?? null);
    } catch (err) {
      throw new FirmwareError("store-failed", (err as Error).message);
    }
    this.#seq = seq;
  }

  /** Many entries in one transaction (one fsync). */
  appendMany(entries: readonly NewLogEntry[]): void {
    this.#db.transaction(() => entries.forEach((e) => this.append(e)))();
  }

  recent(limit: number): LogEntry[] {
    const rows = this.#db.prepare("SELECT seq, at, what, code, q, area, zone, user FROM log ORDER BY seq DESC LIMIT ?").all(limit) as Row[];
    return rows.map((r) => {
      const out: { -readonly [K in keyof LogEntry]: LogEntry[K] } = { seq: r.seq, at: r.at, what: r.what };
      for (const k of ["code", "q", "area", "zone", "user"] as const) {
        const v = r[k];
        if (v !== null) out[k] = v;
      }
      return out;
    });
  }

  count(): number {
    return (this.#db.prepare("SELECT COUNT(*) AS n FROM log").get() as { n: number }).n;
  }

  loadNv(): NvState | undefined {
    const row = this.#db.prepare("SELECT v FROM nv WHERE k = 'panel'").get() as { v: string } | undefined;
    return row ? (JSON.parse(row.v) as NvState) : undefined;
  }

  saveNv(nv: NvState): void {
    try {
      this.#db.prepare("INSERT OR REPLACE INTO nv (k, v) VALUES ('panel', ?)").run(JSON.stringify(nv));
    } catch (err) {
      throw new FirmwareError("store-failed", (err as Error).message);
    }
  }

  commitStep(nv: NvState | undefined, entries: readonly NewLogEntry[]): void {
    if (!nv && entries.length === 0) return;
    this.#db.transaction(() => {
      if (nv) this.saveNv(nv);
      for (const e of entries) this.append(e);
    })();
  }

  close(): void {
    this.#db.close();
  }
}
