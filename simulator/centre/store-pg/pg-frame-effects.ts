/**
 * What a batch's new frames do besides their own rows, in a constant number of statements whatever the
 * batch's size: the alarms they raise or join (one statement), then their frames attached, the alarm log
 * and the panels' last-seen time (one more). Same rules as one raise at a time (pg-alarms.ts raiseIn):
 *
 * - One open alarm per (panel, key): every key raised in the batch goes through ONE
 *   `INSERT ... ON CONFLICT (panel, key) WHERE state <> 'closed' DO UPDATE` over the batch's distinct keys.
 *   DO UPDATE (a no-op update) rather than DO NOTHING, because it returns and locks the open alarm even when
 *   another receiver committed it after this statement's snapshot was taken (the insert waits on the unique
 *   index for that receiver, then takes its row), and an operator closing it meanwhile makes PostgreSQL
 *   retry the insert itself: no read-after-insert window, no retry loop.
 * - Frames of one batch raising the same key: the first creates or joins the alarm, the others join it.
 *   A restore ("join") before the batch's first raise of its key joins the alarm open before the batch,
 *   or nothing, as it would have one frame at a time.
 * - Lock order: keys are upserted in (panel, key) order and panels locked in panel order, the same in every
 *   batch, so concurrent batches cannot deadlock. The no-op update takes the alarm row FOR NO KEY UPDATE
 *   (it changes no key column), which does not conflict with the KEY SHARE lock an alarm_frames or
 *   alarm_log foreign key takes, so a batch joining an alarm another batch has upserted does not wait.
 * - Everything runs in the caller's transaction: a failure anywhere rolls back the whole batch.
 */
import type { UplinkPayload } from "../../../protocol/index.js";
import type { OpenAlarm } from "../store/alarm-book.js";
import { frameAlarms } from "../store/frame-alarms.js";
import type { AlarmState } from "../store/alarm.js";
import type { Tx } from "./pg-db.js";

/** A frame of the batch that was new to the centre, in (panel, seq) order. */
export interface NewFrame {
  readonly panel: string;
  readonly frameId: number;
  readonly payload: UplinkPayload;
}

/** Raise and join the frames' alarms, log them, mark the panels heard; the alarm ids of each frame, in frameAlarms order. */
export async function frameEffectsIn(c: Tx, frames: readonly NewFrame[], at: number): Promise<number[][]> {
  const out = frames.map((): number[] => []);
  if (frames.length === 0) return out;
  const events = frames.flatMap((f, j) => frameAlarms(f.payload).map((a) => ({ ...a, j, panel: f.panel, frameId: f.frameId })));
  const pk = (panel: string, key: string) => `${panel}\u0000${key}`;

  // The first raise of each key gives the alarm its title and priority (as it would one frame at a time).
  const raised = new Map<string, { panel: string; key: string; title: string; priority: number }>();
  for (const e of events) if (e.action === "raise" && !raised.has(pk(e.panel, e.key))) raised.set(pk(e.panel, e.key), e);

  const before = new Map<string, OpenAlarm>();
  const upserted = new Map<string, OpenAlarm>();
  if (events.length > 0) {
    const keys = [...new Map(events.map((e) => [pk(e.panel, e.key), e])).values()];
    const rs = [...raised.values()];
    const rows = await c.query<{ raised: boolean; id: number; panel: string; key: string; state: AlarmState }>(
      `WITH k AS (SELECT DISTINCT panel, key FROM unnest($1::text[], $2::text[]) AS k(panel, key)),
       before AS (SELECT a.id, a.panel, a.key, a.state FROM alarms a JOIN k ON a.panel = k.panel AND a.key = k.key WHERE a.state <> 'closed'),
       up AS (
         INSERT INTO alarms (panel, kind, key, title, priority, state, created_at, updated_at)
         SELECT panel, 'event', key, title, priority, 'new', $7, $7 FROM unnest($3::text[], $4::text[], $5::text[], $6::int[]) AS r(panel, key, title, priority)
         ORDER BY panel, key
         ON CONFLICT (panel, key) WHERE state <> 'closed' DO UPDATE SET updated_at = alarms.updated_at
         RETURNING id, panel, key, state)
       SELECT true AS raised, id, panel, key, state FROM up UNION ALL SELECT false, id, panel, key, state FROM before`,
      [keys.map((e) => e.panel), keys.map((e) => e.key), rs.map((r) => r.panel), rs.map((r) => r.key), rs.map((r) => r.title), rs.map((r) => r.priority), at],
    );
    for (const r of rows.rows) (r.raised ? upserted : before).set(pk(r.panel, r.key), { id: r.id, state: r.state });
  }

  // Walk the events in batch order: which alarm each one lands on, and the log line it writes.
  const current = new Map(before);
  const log = { alarm: [] as number[], frame: [] as number[], state: [] as AlarmState[], note: [] as string[] };
  for (const e of events) {
    const k = pk(e.panel, e.key);
    if (e.action === "raise") current.set(k, upserted.get(k)!);
    const open = current.get(k);
    if (!open) continue; // a restore with nothing open to join
    out[e.j]!.push(open.id);
    log.alarm.push(open.id);
    log.frame.push(e.frameId);
    log.state.push(open.state);
    log.note.push(e.note);
  }

  // The panels heard from, each with its last new frame of the batch.
  const last = new Map<string, number>();
  for (const f of frames) last.set(f.panel, f.frameId);
  const panels = [...last.keys()].sort();
  await c.query(
    `WITH seen AS (
       UPDATE panels SET last_seen = $1
       WHERE panel IN (SELECT panel FROM panels WHERE panel = ANY($2::text[]) ORDER BY panel FOR UPDATE) AND (last_seen IS NULL OR last_seen < $1)),
     ev AS (SELECT * FROM unnest($4::bigint[], $5::bigint[], $6::text[], $7::text[]) WITH ORDINALITY AS e(alarm_id, frame_id, state, note, o)),
     -- EN 50136-1: traffic after a transmission fault is part of that fault's story.
     tf AS (
       SELECT a.id AS alarm_id, h.frame_id, a.state, 'traffic resumed' AS note, $8::bigint + h.o AS o
       FROM unnest($2::text[], $3::bigint[]) WITH ORDINALITY AS h(panel, frame_id, o)
       JOIN alarms a ON a.panel = h.panel AND a.key = 'transmission-fault' AND a.state <> 'closed'),
     attached AS (
       INSERT INTO alarm_frames (alarm_id, frame_id) SELECT alarm_id, frame_id FROM ev UNION SELECT alarm_id, frame_id FROM tf
       ON CONFLICT DO NOTHING)
     INSERT INTO alarm_log (alarm_id, at, state, operator, note)
     SELECT alarm_id, $1, state, NULL, note FROM (SELECT alarm_id, state, note, o FROM ev UNION ALL SELECT alarm_id, state, note, o FROM tf) l ORDER BY o`,
    [at, panels, panels.map((p) => last.get(p)!), log.alarm, log.frame, log.state, log.note, log.alarm.length],
  );
  return out;
}
