/**
 * Alarms and their history in the centre store. Every method runs inside the caller's transaction when
 * there is one (better-sqlite3 nests), so a frame and the alarm it raises commit together.
 */
import type { UplinkPayload } from "../../../protocol/index.js";
import type { Alarm, AlarmKind, AlarmState } from "./alarm.js";
import { statementCache, type Db, type Statement } from "./db.js";
import { CentreError } from "../errors.js";

export interface AlarmLogEntry {
  readonly at: number;
  readonly state: AlarmState;
  readonly operator: string | null;
  readonly note: string | null;
}

export interface AlarmFrame {
  readonly panel: string;
  readonly seq: number;
  readonly receivedAt: number;
  readonly payload: UplinkPayload;
}

export interface RaiseInput {
  readonly panel: string;
  readonly kind: AlarmKind;
  readonly key: string;
  readonly title: string;
  readonly priority: number;
  readonly at: number;
  readonly frameId?: number;
  readonly note?: string;
}

/** A row of the alarms table, as both stores read it back (SQLite here, PostgreSQL in store-pg/). */
export interface AlarmRow {
  id: number;
  panel: string;
  kind: AlarmKind;
  key: string;
  title: string;
  priority: number;
  state: AlarmState;
  operator: string | null;
  created_at: number;
  updated_at: number;
}

export interface OpenAlarm {
  readonly id: number;
  readonly state: AlarmState;
}

export class AlarmBook {
  private readonly sql: (text: string) => Statement;
  constructor(db: Db) {
    this.sql = statementCache(db);
  }

  /** Open a new alarm, or join the open one with the same panel and key. */
  raise(r: RaiseInput): { id: number; created: boolean } {
    const open = this.openAlarm(r.panel, r.key);
    if (open !== undefined) return this.join(open, r);
    let id: number;
    try {
      id = Number(
        this
          .sql("INSERT INTO alarms (panel, kind, key, title, priority, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'new', ?, ?)")
          .run(r.panel, r.kind, r.key, r.title, r.priority, r.at, r.at).lastInsertRowid,
      );
    } catch (e) {
      // Another receiver sharing the file opened it between our look and our insert (two supervisors
      // noticing the same silent panel): the open-alarm index refused the second; join the first.
      const raced = (e as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE" ? this.openAlarm(r.panel, r.key) : undefined;
      if (raced === undefined) throw e;
      return this.join(raced, r);
    }
    if (r.frameId !== undefined) this.attach(id, r.frameId);
    this.log(id, r.at, "new", null, r.note ?? null);
    return { id, created: true };
  }

  private join(open: OpenAlarm, r: RaiseInput): { id: number; created: boolean } {
    if (r.frameId !== undefined) this.attach(open.id, r.frameId);
    if (r.note !== undefined) this.log(open.id, r.at, open.state, null, r.note);
    return { id: open.id, created: false };
  }

  /** Add a frame (e.g. a restore) to the open alarm with this key, if there is one. */
  joinOpen(panel: string, key: string, frameId: number, at: number, note: string): number | undefined {
    const open = this.openAlarm(panel, key);
    if (open === undefined) return undefined;
    this.attach(open.id, frameId);
    this.log(open.id, at, open.state, null, note);
    return open.id;
  }

  openId(panel: string, key: string): number | undefined {
    return this.openAlarm(panel, key)?.id;
  }

  /** The open alarm's id and state in one read: a frame joining it logs its state without reading the row again. */
  openAlarm(panel: string, key: string): OpenAlarm | undefined {
    return this.sql("SELECT id, state FROM alarms WHERE panel = ? AND key = ? AND state != 'closed'").get(panel, key) as OpenAlarm | undefined;
  }

  get(id: number): Alarm {
    const row = this.sql("SELECT * FROM alarms WHERE id = ?").get(id) as AlarmRow | undefined;
    if (!row) throw new CentreError("unknown-alarm", `no alarm ${id}`);
    return toAlarm(row);
  }

  /** Open alarms (or all), most urgent first, then oldest first. */
  list(includeClosed = false): Alarm[] {
    const sql = `SELECT * FROM alarms ${includeClosed ? "" : "WHERE state != 'closed'"} ORDER BY priority, created_at, id`;
    return (this.sql(sql).all() as AlarmRow[]).map(toAlarm);
  }

  setState(id: number, state: AlarmState, operator: string | null, at: number, note: string | null): void {
    this.sql("UPDATE alarms SET state = ?, operator = ?, updated_at = ? WHERE id = ?").run(state, operator, at, id);
    this.log(id, at, state, operator, note);
  }

  frames(id: number): AlarmFrame[] {
    const rows = this
      .sql("SELECT f.panel, f.seq, f.received_at, f.payload FROM alarm_frames a JOIN frames f ON f.id = a.frame_id WHERE a.alarm_id = ? ORDER BY f.received_at, f.id")
      .all(id) as { panel: string; seq: number; received_at: number; payload: string }[];
    return rows.map((r) => ({ panel: r.panel, seq: r.seq, receivedAt: r.received_at, payload: JSON.parse(r.payload) as UplinkPayload }));
  }

  log(id: number, at: number, state: AlarmState, operator: string | null, note: string | null): void {
    this.sql("INSERT INTO alarm_log (alarm_id, at, state, operator, note) VALUES (?, ?, ?, ?, ?)").run(id, at, state, operator, note);
  }

  entries(id: number): AlarmLogEntry[] {
    return this.sql("SELECT at, state, operator, note FROM alarm_log WHERE alarm_id = ? ORDER BY id").all(id) as AlarmLogEntry[];
  }

  private attach(alarmId: number, frameId: number): void {
    this.sql("INSERT OR IGNORE INTO alarm_frames (alarm_id, frame_id) VALUES (?, ?)").run(alarmId, frameId);
  }
}

export function toAlarm(r: AlarmRow): Alarm {
  return { id: r.id, panel: r.panel, kind: r.kind, key: r.key, title: r.title, priority: r.priority, state: r.state, operator: r.operator, createdAt: r.created_at, updatedAt: r.updated_at };
}
