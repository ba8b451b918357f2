/**
 * Frames on PostgreSQL with group commit: a batch is ONE transaction, its frames ONE multi-row
 * INSERT ... ON CONFLICT (panel, seq) DO NOTHING RETURNING, so the rows returned are exactly the frames new
 * to the centre; the same statement writes the signed bytes of each batch frame that has a new row, once
 * (signed_frames), whatever the number of its events (a frame of one event keeps its bytes on its row). Two receivers racing on one frame: the second insert waits on the unique index until the
 * first commits, then does nothing, so only one of them ever handles it. Rows are written in (panel, seq)
 * order, so two batches touching the same panels take their locks in the same order and cannot deadlock.
 * What the new frames do (alarms, alarm log, last-seen) follows in two more statements whatever the
 * batch's size (pg-frame-effects.ts). The same INSERT statement also returns, for every frame it did not
 * insert, the row already stored under its (panel, seq) and the panel's highest seq: content that differs
 * makes the frame `reused`, not a duplicate (../store/same-content.ts), at no extra statement. (The
 * statement's snapshot does not show a row another receiver committed while it waited on the index: that
 * frame counts as a duplicate, as before.)
 */
import { frameDigest } from "../../../protocol/frame-ref.js";
import type { FrameToStore, StoreOutcome } from "../store/frame-store.js";
import { sameContent } from "../store/same-content.js";
import { seqGaps } from "../store/seq-gaps.js";
import { raiseIn } from "./pg-alarms.js";
import { frameEffectsIn, type NewFrame } from "./pg-frame-effects.js";
import type { PgDb, Tx } from "./pg-db.js";
import type { FramesPort, GapAlarm, GapFound } from "./port.js";

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
    // A frame of one row keeps its bytes on it; a batch frame (several rows: frame-events.ts) is kept once,
    // by digest, and its rows reference it.
    const rowsOf = new Map<Uint8Array, number>();
    for (const f of frames) rowsOf.set(f.frame, (rowsOf.get(f.frame) ?? 0) + 1);
    const shared = new Map<Uint8Array, Buffer>();
    const kept = new Map<string, { digest: Buffer; bytes: Buffer }>();
    const cols = { panel: [] as string[], seq: [] as number[], kid: [] as string[], sent: [] as number[], payload: [] as string[], frame: [] as (Buffer | null)[], evidence: [] as (Buffer | null)[] };
    for (const { f } of order) {
      const bytes = Buffer.from(f.frame.buffer, f.frame.byteOffset, f.frame.byteLength);
      let digest = shared.get(f.frame);
      if (digest === undefined && rowsOf.get(f.frame)! > 1) {
        digest = frameDigest(f.frame);
        shared.set(f.frame, digest);
        kept.set(digest.toString("hex"), { digest, bytes });
      }
      cols.panel.push(f.panel);
      cols.seq.push(f.seq);
      cols.kid.push(f.kid);
      cols.sent.push(f.payload.sent);
      cols.payload.push(JSON.stringify(f.payload));
      cols.frame.push(digest === undefined ? bytes : null);
      cols.evidence.push(digest ?? null);
    }
    const sf = [...kept.values()];
    // One statement: the new rows, and the bytes of each batch frame that has at least one of them, by
    // digest. A frame already kept, or being kept by another receiver, is skipped: the insert waits on that
    // receiver's digest as a row waits on its (panel, seq). The rows reference the frame by its digest, so
    // the foreign key holds whichever receiver wrote it (checked at the end of the statement).
    // The CTE's insert is invisible to the outer SELECT (one snapshot): its second half sees only the rows
    // stored before, with the panel's highest seq, so a reused seq is told from a duplicate here.
    const result = await c.query<{ id: number | null; panel: string; seq: number; payload: unknown; high: number | null }>(
      `WITH ins AS (
         INSERT INTO frames (panel, seq, kid, sent, received_at, receiver, payload, frame, evidence)
         SELECT panel, seq, kid, sent, $8, $9, payload::jsonb, frame, evidence
         FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::bytea[], $7::bytea[]) WITH ORDINALITY AS r(panel, seq, kid, sent, payload, frame, evidence, k)
         ORDER BY k
         ON CONFLICT (panel, seq) DO NOTHING RETURNING id, panel, seq, evidence),
       sf AS (
         INSERT INTO signed_frames (digest, frame)
         SELECT digest, frame FROM unnest($10::bytea[], $11::bytea[]) AS f(digest, frame) WHERE digest IN (SELECT evidence FROM ins) ORDER BY digest
         ON CONFLICT (digest) DO NOTHING)
       SELECT id, panel, seq, NULL::jsonb AS payload, NULL::bigint AS high FROM ins
       UNION ALL
       SELECT NULL, f.panel, f.seq, f.payload, (SELECT MAX(m.seq) FROM frames m WHERE m.panel = f.panel)
         FROM frames f WHERE (f.panel, f.seq) IN (SELECT p, s FROM unnest($1::text[], $2::bigint[]) AS k(p, s))`,
      [cols.panel, cols.seq, cols.kid, cols.sent, cols.payload, cols.frame, cols.evidence, at, receiver, sf.map((x) => x.digest), sf.map((x) => x.bytes)],
    );
    const inserted = result.rows.filter((r) => r.id !== null);
    // The content under each (panel, seq) already taken: stored before, or (below) by an earlier copy in
    // this batch, which the statement's snapshot does not show.
    const taken = new Map<string, unknown>(result.rows.filter((r) => r.id === null).map((r) => [`${r.panel}\u0000${r.seq}`, r.payload]));
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
        // A second copy with other content is a reused seq, as in SQLite, never a duplicate.
        const old = taken.get(k);
        out[i] = old === undefined || sameContent(old, f.payload) ? { result: "duplicate" } : { result: "reused", next: highest.get(f.panel)! + 1 };
        continue;
      }
      ids.delete(k); // its first copy in the batch (ORDER BY k) is the one stored
      taken.set(k, f.payload);
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

  async evidence(panel: string, seq: number): Promise<Uint8Array | undefined> {
    const rows = await this.db.query<{ frame: Buffer }>("SELECT COALESCE(f.frame, s.frame) AS frame FROM frames f LEFT JOIN signed_frames s ON s.digest = f.evidence WHERE f.panel = $1 AND f.seq = $2", [panel, seq]);
    return rows[0]?.frame;
  }

  async count(panel?: string): Promise<number> {
    const rows =
      panel === undefined
        ? await this.db.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM frames")
        : await this.db.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM frames WHERE panel = $1", [panel]);
    return rows[0]!.n;
  }

  async latestWith(panel: string, field: "heartbeat"): Promise<{ at: number; payload: unknown } | undefined> {
    const rows = await this.db.query<{ at: number; payload: unknown }>("SELECT received_at AS at, payload FROM frames WHERE panel = $1 AND payload ? $2 ORDER BY seq DESC LIMIT 1", [panel, field]);
    return rows[0];
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
      for (const { from, to } of seqGaps(base, seqs.rows.map((r) => r.seq))) {
        found.push({ panel, from, to, alarmId: (await raiseIn(c, { panel, ...alarm(from, to), at: now })).id });
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
