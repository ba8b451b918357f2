/**
 * Frames on PostgreSQL with group commit: a batch is ONE transaction, its frames ONE multi-row
 * INSERT ... ON CONFLICT (panel, seq) DO NOTHING RETURNING, so the rows returned are exactly the frames new
 * to the centre. Two receivers racing on one frame: the second insert waits on the unique index until the
 * first commits, then does nothing, so only one of them ever handles it. Rows are written in (panel, seq)
 * order, so two batches touching the same panels take their locks in the same order and cannot deadlock.
 * What the new frames do (alarms, alarm log, last-seen) follows in two more statements whatever the
 * batch's size (pg-frame-effects.ts). The same INSERT statement also returns, for every frame it did not
 * insert, the row already stored under its (panel, seq) and the panel's highest seq: content that differs
 * makes the frame `reused`, not a duplicate (../store/same-content.ts), at no extra statement. (The
 * statement's snapshot does not show a row another receiver committed while it waited on the index: that
 * frame counts as a duplicate, as before.)
 */
import type { FrameToStore, StoreOutcome } from "../store/frame-store.js";
import { sameContent } from "../store/same-content.js";
import { raiseIn } from "./pg-alarms.js";
import { frameEffectsIn, type NewFrame } from "./pg-frame-effects.js";
import type { PgDb, Tx } from "./pg-db.js";
import type { FramesPort, GapAlarm, GapFound } from "./port.js";

const COLS = 8;

function byPanelSeq(a: FrameToStore, b: FrameToStore): number {
  return a.panel < b.panel ? -1 : a.panel > b.panel ? 1 : a.seq - b.seq;
}

export class PgFrames implements FramesPort {
  constructor(private readonly db: PgDb) {}

  async store(frames: readonly FrameToStore[], at: number, receiver: string): Promise<StoreOutcome[]> {
    if (frames.length === 0) return [];
    return this.db.tx((c) => this.storeIn(c, frames, at, receiver));
  }

  private async storeIn(c: Tx, frames: readonly FrameToStore[], at: number, receiver: string): Promise<StoreOutcome[]> {
    const order = frames.map((f, i) => ({ f, i })).sort((a, b) => byPanelSeq(a.f, b.f) || a.i - b.i);
    const params: unknown[] = [];
    const keys: string[] = [];
    const rows = order.map(({ f }, k) => {
      params.push(f.panel, f.seq, f.kid, f.payload.sent, at, receiver, JSON.stringify(f.payload), f.frame == null ? null : Buffer.from(f.frame));
      const b = k * COLS;
      keys.push(`($${b + 1}::text, $${b + 2}::bigint)`);
      return `($${b + 1}::text, $${b + 2}::bigint, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}::jsonb, $${b + 8})`;
    });
    // The CTE's insert is invisible to the outer SELECT (one snapshot): it sees only the rows stored before.
    const result = await c.query<{ id: number | null; panel: string; seq: number; payload: unknown; high: number | null }>(
      `WITH ins AS (
         INSERT INTO frames (panel, seq, kid, sent, received_at, receiver, payload, frame) VALUES ${rows.join(", ")}
         ON CONFLICT (panel, seq) DO NOTHING RETURNING id, panel, seq)
       SELECT id, panel, seq, NULL::jsonb AS payload, NULL::bigint AS high FROM ins
       UNION ALL
       SELECT NULL, f.panel, f.seq, f.payload, (SELECT MAX(m.seq) FROM frames m WHERE m.panel = f.panel)
         FROM frames f WHERE (f.panel, f.seq) IN (VALUES ${keys.join(", ")})`,
      params,
    );
    const inserted = result.rows.filter((r) => r.id !== null);
    const before = new Map(result.rows.filter((r) => r.id === null).map((r) => [`${r.panel}\u0000${r.seq}`, r]));
    const ids = new Map(inserted.map((r) => [`${r.panel}\u0000${r.seq}`, r.id!]));
    // A reused seq: the panel numbers on above everything stored, this batch's new rows included.
    const highest = new Map<string, number>();
    for (const r of result.rows) highest.set(r.panel, Math.max(highest.get(r.panel) ?? -1, Number(r.high ?? r.seq)));
    const out: StoreOutcome[] = new Array(frames.length);
    const news: NewFrame[] = [];
    const slots: number[] = [];
    for (const { f, i } of order) {
      const k = `${f.panel}\u0000${f.seq}`;
      const frameId = ids.get(k);
      if (frameId === undefined) {
        const old = before.get(k);
        out[i] = old === undefined || sameContent(old.payload, f.payload) ? { result: "duplicate" } : { result: "reused", next: highest.get(f.panel)! + 1 };
        continue;
      }
      ids.delete(k); // a second copy within the batch is a duplicate
      news.push({ panel: f.panel, frameId, payload: f.payload });
      slots.push(i);
    }
    // Alarms, alarm log and last-seen: a constant number of statements for the whole batch.
    const alarms = await frameEffectsIn(c, news, at);
    news.forEach((n, k) => (out[slots[k]!] = { result: "stored", frameId: n.frameId, alarms: alarms[k]! }));
    return out;
  }

  async has(panel: string, seq: number): Promise<boolean> {
    return (await this.db.query("SELECT 1 FROM frames WHERE panel = $1 AND seq = $2", [panel, seq])).length > 0;
  }

  async count(panel?: string): Promise<number> {
    const rows =
      panel === undefined
        ? await this.db.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM frames")
        : await this.db.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM frames WHERE panel = $1", [panel]);
    return rows[0]!.n;
  }

  checkGaps(panel: string, now: number, graceMs: number, alarm: GapAlarm): Promise<GapFound[]> {
    return this.db.tx(async (c) => {
      // The panel's row lock serialises the checks of all receivers: each gap is raised once.
      const locked = await c.query<{ c: number | null }>("SELECT gap_checked AS c FROM panels WHERE panel = $1 FOR UPDATE", [panel]);
      const high = (await c.query<{ h: number | null }>("SELECT MAX(seq) AS h FROM frames WHERE panel = $1 AND received_at <= $2", [panel, now - graceMs])).rows[0]!.h;
      if (high === null) return [];
      const checked = locked.rows[0]?.c ?? null;
      const base = checked ?? (await c.query<{ m: number }>("SELECT MIN(seq) AS m FROM frames WHERE panel = $1", [panel])).rows[0]!.m - 1;
      if (high <= base) return [];
      const seqs = await c.query<{ seq: number }>("SELECT seq FROM frames WHERE panel = $1 AND seq > $2 AND seq <= $3 ORDER BY seq", [panel, base, high]);
      const found: GapFound[] = [];
      let expect = base + 1;
      for (const { seq } of seqs.rows) {
        if (seq > expect) found.push({ panel, from: expect, to: seq - 1, alarmId: (await raiseIn(c, { panel, ...alarm(expect, seq - 1), at: now })).id });
        expect = seq + 1;
      }
      await c.query("UPDATE panels SET gap_checked = $1 WHERE panel = $2", [high, panel]);
      return found;
    });
  }

  async oldestArrivalAfter(panel: string, after: number): Promise<number | undefined> {
    const rows = await this.db.query<{ t: number | null }>("SELECT MIN(received_at) AS t FROM frames WHERE panel = $1 AND received_at > $2", [panel, after]);
    return rows[0]?.t ?? undefined;
  }
}
