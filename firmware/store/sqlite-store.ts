/**
 * SQLite PanelStore (better-sqlite3, WAL, synchronous=FULL so a committed entry survives power loss).
 * The event log is a ring: slot = seq mod capacity, so the file never grows past `capacity` rows
 * (EN 50131-1 asks 100-500 events; we keep at least 10,000).
 */
import Database from "better-sqlite3";
import { z } from "zod";
import { FirmwareError } from "../firmware-error.js";
import type { NvState } from "../core/panel-state.js";
import { parseNv } from "./nv-record.js";
import { WalCheckpoint, type WalCheckpointOptions } from "./wal-checkpoint.js";
import type { Clock } from "../../protocol/clock.js";
import type { LogEntry, NewLogEntry, PanelStore } from "./panel-store.js";

const Opt = z.int().nullable();
/** A `log` row as read back; checked so a corrupt file is a typed error, not a bad entry downstream. */
const LogRow = z.strictObject({ seq: z.int().min(1), at: z.int(), what: z.string(), code: Opt, q: Opt, area: Opt, zone: Opt, user: Opt });
const CountRow = z.strictObject({ n: z.int().min(0) });
const MaxSeqRow = z.strictObject({ s: z.int().min(0).nullable() });
const NvRow = z.strictObject({ v: z.string() });

function checked<T>(schema: z.ZodType<T>, row: unknown, table: string): T {
  const r = schema.safeParse(row);
  if (!r.success) throw new FirmwareError("store-corrupt", `${table}: ${z.prettifyError(r.error)}`);
  return r.data;
}

export class SqliteStore implements PanelStore {
  readonly #db: Database.Database;
  #seq: number;
  readonly #insert: Database.Statement;
  readonly #checkpoint: WalCheckpoint | undefined;

  /**
   * `checkpoint`: the WAL checkpointed on this clock while the panel is quiet (wal-checkpoint.ts), not
   * inside a step's commit; absent: SQLite's automatic checkpoint.
   */
  constructor(file: string, readonly capacity = 10_000, checkpoint?: WalCheckpointOptions & { readonly clock: Clock }) {
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
    this.#seq = checked(MaxSeqRow, this.#db.prepare("SELECT MAX(seq) AS s FROM log").get(), "log").s ?? 0;
    this.#insert = this.#db.prepare(
      "INSERT OR REPLACE INTO log (slot, seq, at, what, code, q, area, zone, user) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.#checkpoint = checkpoint && file !== ":memory:" ? new WalCheckpoint(this.#db, checkpoint.clock, checkpoint) : undefined;
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
    const rows = this.#db.prepare("SELECT seq, at, what, code, q, area, zone, user FROM log ORDER BY seq DESC LIMIT ?").all(limit);
    return rows.map((row) => {
      const r = checked(LogRow, row, "log");
      const out: { -readonly [K in keyof LogEntry]: LogEntry[K] } = { seq: r.seq, at: r.at, what: r.what };
      for (const k of ["code", "q", "area", "zone", "user"] as const) {
        const v = r[k];
        if (v !== null) out[k] = v;
      }
      return out;
    });
  }

  count(): number {
    return checked(CountRow, this.#db.prepare("SELECT COUNT(*) AS n FROM log").get(), "log").n;
  }

  loadNv(): NvState | undefined {
    const row = this.#db.prepare("SELECT v FROM nv WHERE k = 'panel'").get();
    return row === undefined ? undefined : parseNv(checked(NvRow, row, "nv").v, "nv");
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
    this.#checkpoint?.stop();
    this.#db.close();
  }
}
