/**
 * Alarms and their history on PostgreSQL. The open-alarm index (UNIQUE (panel, key) WHERE state <>
 * 'closed') with INSERT ... ON CONFLICT DO NOTHING makes each fault one alarm however many receivers
 * raise it at once: the second insert waits for the first to commit, then finds the open alarm and joins it.
 * Operator steps lock the alarm's row (SELECT ... FOR UPDATE), so two operators cannot take one alarm.
 */
import type { UplinkPayload } from "../../../protocol/index.js";
import { toAlarm, type AlarmFrame, type AlarmLogEntry, type AlarmRow, type OpenAlarm, type RaiseInput } from "../store/alarm-book.js";
import { operatorStep, type Alarm, type AlarmAction, type AlarmState } from "../store/alarm.js";
import { CentreError } from "../errors.js";
import type { PgDb, Tx } from "./pg-db.js";
import type { AlarmsPort } from "./port.js";
import { StoreError } from "../store/store-error.js";

async function log(c: Tx, id: number, at: number, state: AlarmState, operator: string | null, note: string | null): Promise<void> {
  await c.query("INSERT INTO alarm_log (alarm_id, at, state, operator, note) VALUES ($1, $2, $3, $4, $5)", [id, at, state, operator, note]);
}

async function attach(c: Tx, alarmId: number, frameId: number): Promise<void> {
  await c.query("INSERT INTO alarm_frames (alarm_id, frame_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", [alarmId, frameId]);
}

async function openAlarm(c: Tx, panel: string, key: string): Promise<OpenAlarm | undefined> {
  return (await c.query<OpenAlarm>("SELECT id, state FROM alarms WHERE panel = $1 AND key = $2 AND state <> 'closed'", [panel, key])).rows[0];
}

/** Open a new alarm or join the open one with the same panel and key, inside the caller's transaction. */
export async function raiseIn(c: Tx, r: RaiseInput): Promise<{ id: number; created: boolean }> {
  // Between the failed insert and the read the open alarm may be closed by an operator: try again.
  for (let i = 0; i < 3; i++) {
    const ins = await c.query<{ id: number }>(
      `INSERT INTO alarms (panel, kind, key, title, priority, state, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'new', $6, $6)
       ON CONFLICT (panel, key) WHERE state <> 'closed' DO NOTHING RETURNING id`,
      [r.panel, r.kind, r.key, r.title, r.priority, r.at],
    );
    const created = ins.rows[0];
    if (created) {
      if (r.frameId !== undefined) await attach(c, created.id, r.frameId);
      await log(c, created.id, r.at, "new", null, r.note ?? null);
      return { id: created.id, created: true };
    }
    const open = await openAlarm(c, r.panel, r.key);
    if (open) {
      if (r.frameId !== undefined) await attach(c, open.id, r.frameId);
      if (r.note !== undefined) await log(c, open.id, r.at, open.state, null, r.note);
      return { id: open.id, created: false };
    }
  }
  throw new StoreError("store-failed", `alarm ${r.panel}/${r.key} kept changing while being raised`);
}

export class PgAlarms implements AlarmsPort {
  constructor(private readonly db: PgDb) {}

  raise(r: RaiseInput): Promise<{ id: number; created: boolean }> {
    return this.db.tx((c) => raiseIn(c, r));
  }

  async get(id: number): Promise<Alarm> {
    const row = (await this.db.query<AlarmRow>("SELECT * FROM alarms WHERE id = $1", [id]))[0];
    if (!row) throw new CentreError("unknown-alarm", `no alarm ${id}`);
    return toAlarm(row);
  }

  async list(includeClosed = false): Promise<Alarm[]> {
    const rows = await this.db.query<AlarmRow>(`SELECT * FROM alarms ${includeClosed ? "" : "WHERE state <> 'closed'"} ORDER BY priority, created_at, id`);
    return rows.map(toAlarm);
  }

  transition(id: number, action: AlarmAction, operator: string, at: number, note: string | null): Promise<Alarm> {
    return this.db.tx(async (c) => {
      const row = (await c.query<AlarmRow>("SELECT * FROM alarms WHERE id = $1 FOR UPDATE", [id])).rows[0];
      if (!row) throw new CentreError("unknown-alarm", `no alarm ${id}`);
      const { state, owner } = operatorStep(row, action, operator);
      const updated = (await c.query<AlarmRow>("UPDATE alarms SET state = $1, operator = $2, updated_at = $3 WHERE id = $4 RETURNING *", [state, owner, at, id])).rows[0]!;
      await log(c, id, at, state, owner, note);
      return toAlarm(updated);
    });
  }

  async frames(id: number): Promise<AlarmFrame[]> {
    const rows = await this.db.query<{ panel: string; seq: number; received_at: number; payload: UplinkPayload }>(
      "SELECT f.panel, f.seq, f.received_at, f.payload FROM alarm_frames a JOIN frames f ON f.id = a.frame_id WHERE a.alarm_id = $1 ORDER BY f.received_at, f.id",
      [id],
    );
    return rows.map((r) => ({ panel: r.panel, seq: r.seq, receivedAt: r.received_at, payload: r.payload }));
  }

  entries(id: number): Promise<AlarmLogEntry[]> {
    return this.db.query<AlarmLogEntry>("SELECT at, state, operator, note FROM alarm_log WHERE alarm_id = $1 ORDER BY id", [id]);
  }
}
