/**
 * The store-and-forward outbox. Every item is committed durably with its sequence number
 * in one transaction, and sequence numbers rise across restarts and are never reused. The counter is
 * persisted without a write of its own on the hot path: the next number is one above the highest
 * stored, and whenever rows go (ACK, overflow) the same transaction raises the persisted high-water
 * mark (meta next_seq) first, so max(stored seq + 1, mark) never falls below a number handed out.
 * Items leave in priority order (eventDef(code).priority: alarm/hold-up, then fire/tamper/trouble, then
 * open/close, then tests), FIFO within a class, and are deleted only when the centre's signed ACK names
 * them. The outbox is bounded: outbox-overflow.ts has the rule. Every row read back is checked by its
 * schema (store-rows.ts): a damaged row is a GatewayError "store-corrupt", not a crash later.
 */
import { Cid, Priority, type CommandResult, type Event, type Heartbeat } from "../protocol/index.js";
import { systemClock, type Clock } from "../protocol/clock.js";
import type { Db } from "./database.js";
import { GatewayError, isGatewayError } from "./errors.js";
import { CLASSES, DEFAULT_LIMITS, limitsUsable, nextEviction, overflowEvent, type OutboxLimits } from "./outbox-overflow.js";
import { itemPriority, KIND_CODE, toRecord, type OutboxItem, type OutboxRecord } from "./outbox-record.js";
import { checkItemRow, checkOptionalRow, checkRow, ClassCountRow, DeletedItemRow, ItemRowWithBytes, LowestRow, MaxSeqRow, MetaRow, QueuedRow, SeqRow } from "./store-rows.js";

export { CLASSES, DEFAULT_LIMITS, type OutboxLimits } from "./outbox-overflow.js";
export { itemPriority, type OutboxItem, type OutboxRecord } from "./outbox-record.js";

/** Per-row cost beyond the JSON body (keys, index entry), so maxBytes approximates the file's growth. */
const ROW_OVERHEAD = 48;

export interface OutboxOptions {
  readonly limits?: Partial<OutboxLimits>;
  readonly clock?: Clock;
  /** Told of every item dropped by the overflow rule (already gone from the store). */
  readonly onDrop?: (dropped: readonly OutboxRecord[]) => void;
  /** Told of an item whose stored body does not fit its schema: parked (like a refused one), not sent. */
  readonly onCorrupt?: (seq: number, error: GatewayError) => void;
}

export class Outbox {
  private readonly limits: OutboxLimits;
  private readonly clock: Clock;
  private readonly counts = [0, 0, 0, 0];
  /** Next sequence number to hand out. */
  private next = 0;
  /** Seq of the waiting overflow 354, if any (one per overflow episode). */
  private overflowSeq: number | undefined;
  private totalBytes = 0;
  private readonly st;
  private readonly insertTx;
  private readonly removeTx;
  private readonly renumberTx;

  constructor(
    private readonly db: Db,
    private readonly opts: OutboxOptions = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    if (!limitsUsable(this.limits)) {
      throw new GatewayError("bad-config", `outbox limits too small: ${JSON.stringify(this.limits)}`);
    }
    this.clock = opts.clock ?? systemClock;
    this.st = {
      mark: db.prepare("UPDATE meta SET v = max(v, ?) WHERE k = 'next_seq'"),
      insert: db.prepare("INSERT INTO items (prio, seq, kind, code, body, bytes, queued) VALUES (?, ?, ?, ?, ?, ?, ?)"),
      oldestOf: db.prepare("SELECT seq, prio, kind, body, queued, bytes FROM items WHERE prio = ? ORDER BY seq LIMIT 1"),
      // ACKs name only the seq: probe the four classes through the primary key.
      del: db.prepare("DELETE FROM items WHERE prio IN (0, 1, 2, 3) AND seq = ? RETURNING prio, bytes"),
      peekClass: db.prepare("SELECT seq, prio, kind, body, queued FROM items WHERE prio = ? AND seq > ? AND parked = 0 ORDER BY seq LIMIT ?"),
      park: db.prepare("UPDATE items SET parked = 1 WHERE prio IN (0, 1, 2, 3) AND seq = ?"),
      unpark: db.prepare("UPDATE items SET parked = 0 WHERE parked = 1"),
      oldestQueued: db.prepare("SELECT queued FROM items WHERE prio = ? ORDER BY seq LIMIT 1"),
      maxSeq: db.prepare("SELECT max(seq) AS m FROM items WHERE prio = ?"),
      lowest: db.prepare("SELECT min(seq) AS m, count(*) AS n FROM items"),
      // Through negatives: (prio, seq) stays unique at every row of the UPDATE.
      shiftOut: db.prepare("UPDATE items SET seq = -(seq + ?)"),
      shiftBack: db.prepare("UPDATE items SET seq = -seq WHERE seq < 0"),
    };
    this.load();
    this.insertTx = db.transaction((items: readonly OutboxItem[]) => {
      const dropped: OutboxRecord[] = [];
      const seqs = items.map((it) => this.admit(it, dropped));
      if (dropped.length > 0) this.reportOverflow(dropped);
      return { seqs, dropped };
    });
    this.renumberTx = db.transaction((next: number) => this.renumbering(next));
    this.removeTx = db.transaction((seqs: readonly number[]) => {
      this.st.mark.run(this.next);
      let n = 0;
      for (const s of seqs) {
        if (s === this.overflowSeq) this.overflowSeq = undefined;
        const r = checkOptionalRow(DeletedItemRow, "items", this.st.del.get(s));
        if (!r) continue;
        this.counts[r.prio]!--;
        this.totalBytes -= r.bytes;
        n++;
      }
      return n;
    });
  }

  /**
   * Counts, bytes, the counter and the waiting 354, from the file (at open, and after a rollback).
   * All or nothing: if the file cannot be read either, the old view stays (its counter can only be
   * ahead, which skips numbers but never reuses one).
   */
  private load(): void {
    const db = this.db;
    const counts = [0, 0, 0, 0];
    let bytes = 0;
    for (const row of db.prepare("SELECT prio, count(*) AS n, sum(bytes) AS b FROM items GROUP BY prio").all()) {
      const r = checkRow(ClassCountRow, "items", row);
      counts[r.prio] = r.n;
      bytes += r.b;
    }
    let next = checkRow(MetaRow, "meta", db.prepare("SELECT v FROM meta WHERE k = 'next_seq'").get()).v;
    for (const p of CLASSES) {
      const m = checkRow(MaxSeqRow, "items", this.st.maxSeq.get(p)).m;
      if (m !== null) next = Math.max(next, m + 1);
    }
    const waiting354 = checkOptionalRow(SeqRow, "items", db.prepare("SELECT seq FROM items WHERE prio = ? AND kind = 0 AND code = ? ORDER BY seq DESC LIMIT 1").get(Priority.Urgent, Cid.FailureToCommunicate));
    counts.forEach((n, i) => (this.counts[i] = n));
    this.totalBytes = bytes;
    this.next = next;
    this.overflowSeq = waiting354?.seq;
  }

  private reloadAfterRollback(): void {
    try {
      this.load();
    } catch {
      // Keep the old view; see load().
    }
  }

  private renumbering(next: number): { shift: number; pending: number } {
    const { m: low, n } = checkRow(LowestRow, "items", this.st.lowest.get());
    if (low === null || next <= low) return { shift: 0, pending: 0 };
    const shift = next - low;
    this.st.shiftOut.run(shift);
    this.st.shiftBack.run();
    this.next += shift;
    this.st.mark.run(this.next);
    if (this.overflowSeq !== undefined) this.overflowSeq += shift;
    return { shift, pending: n };
  }

  /** Queue one event; returns its sequence number once it is on disk. */
  enqueue(event: Event): number {
    return this.enqueueMany([event])[0]!;
  }

  /** Queue several events in one durable commit (group commit); returns their sequence numbers. */
  enqueueMany(events: readonly Event[]): number[] {
    return this.commit(events.map((event) => ({ kind: "event", event })));
  }

  enqueueResult(result: CommandResult): number {
    return this.commit([{ kind: "result", result }])[0]!;
  }

  /**
   * Heartbeats are stored and acknowledged like everything else (lowest class): a heartbeat lost in
   * transit would otherwise leave a hole in the sequence numbers, which the centre's gap detector
   * rightly reports as possible lost events. Returns the stored record (the link may send it at once).
   */
  enqueueHeartbeat(heartbeat: Heartbeat): OutboxRecord {
    const item: OutboxItem = { kind: "heartbeat", heartbeat };
    const seq = this.commit([item])[0]!;
    return { seq, prio: Priority.Routine, item, queued: this.clock.now() };
  }

  /**
   * The centre holds other content under our numbers (a seq-reused NAK: this outbox was lost or replaced
   * and the counter started again): in ONE transaction every pending item's seq moves up by the same
   * shift so the lowest becomes `next`, order kept, and the counter (and its persisted mark) with them.
   * Numbers only ever move up: a `next` not above the lowest pending seq (a replayed NAK, one already
   * acted on) changes nothing. Returns the shift and how many items moved (shift 0: nothing changed).
   */
  renumber(next: number): { shift: number; pending: number } {
    try {
      return this.renumberTx(next);
    } catch (e) {
      this.reloadAfterRollback();
      throw e;
    }
  }

  /** The next sequence number the counter will hand out. */
  get nextSeq(): number {
    return this.next;
  }

  /**
   * Up to `limit` unparked items of `classes` (all by default) in delivery order, skipping in each class everything up to
   * `after[class]` (the sender's cursor: what it already has in flight). A row whose body does not fit
   * its schema is parked and reported (onCorrupt), so fewer than `limit` may come back while more wait;
   * a row whose columns do not fit throws GatewayError "store-corrupt".
   */
  peek(after: readonly number[], limit: number, classes: readonly Priority[] = CLASSES): OutboxRecord[] {
    const out: OutboxRecord[] = [];
    for (const p of classes) {
      if (out.length >= limit) break;
      if (this.counts[p] === 0) continue;
      for (const row of this.st.peekClass.all(p, after[p] ?? -1, limit - out.length)) {
        const r = checkItemRow(row);
        try {
          out.push(toRecord(r));
        } catch (e) {
          // One damaged body must not block delivery of the rest: park it and carry on.
          if (!isGatewayError(e) || e.code !== "store-corrupt") throw e;
          this.park(r.seq);
          this.opts.onCorrupt?.(r.seq, e);
        }
      }
    }
    return out;
  }

  /**
   * Delete acknowledged items; returns how many were still here. This commit skips the fsync
   * (synchronous=NORMAL: safe against a process crash, not a power cut): a deletion lost in a power
   * cut only makes the gateway resend frames the centre already stored, and it recognises those by
   * (panel, seq). The next durable enqueue fsyncs the WAL, deletions included. Halves the fsyncs per
   * delivered event.
   */
  remove(seqs: readonly number[]): number {
    if (seqs.length === 0) return 0;
    this.db.pragma("synchronous = NORMAL");
    try {
      return this.removeTx(seqs);
    } catch (e) {
      this.reloadAfterRollback();
      throw e;
    } finally {
      this.db.pragma("synchronous = FULL");
    }
  }

  /** Hold an item back until the next restart (the centre refused it permanently). */
  park(seq: number): void {
    this.st.park.run(seq);
  }

  unparkAll(): void {
    this.st.unpark.run();
  }

  depth(): { total: number; byClass: readonly number[]; bytes: number } {
    return { total: this.counts.reduce((a, b) => a + b, 0), byClass: [...this.counts], bytes: this.totalBytes };
  }

  /** Local time the oldest waiting item was queued, or undefined when empty. */
  oldestQueued(): number | undefined {
    let oldest: number | undefined;
    for (const p of CLASSES) {
      if (this.counts[p] === 0) continue;
      const r = checkOptionalRow(QueuedRow, "items", this.st.oldestQueued.get(p));
      if (r && (oldest === undefined || r.queued < oldest)) oldest = r.queued;
    }
    return oldest;
  }

  private commit(items: readonly OutboxItem[]): number[] {
    let result;
    try {
      result = this.insertTx(items);
    } catch (e) {
      // Rolled back: nothing was handed out; the in-memory view is read again from the file.
      this.reloadAfterRollback();
      throw e;
    }
    if (result.dropped.length > 0) this.opts.onDrop?.(result.dropped);
    return result.seqs;
  }

  /** Store one item, making room first by the overflow rule (outbox-overflow.ts); returns its sequence number. */
  private admit(item: OutboxItem, dropped: OutboxRecord[]): number {
    const prio = itemPriority(item);
    const seq = this.next++;
    const body = JSON.stringify(item.kind === "event" ? item.event : item.kind === "result" ? item.result : item.heartbeat);
    const bytes = body.length + ROW_OVERHEAD;
    const queued = this.clock.now();
    for (;;) {
      const step = nextEviction(this.counts, this.totalBytes, this.limits, { prio, bytes });
      if (step.kind === "fits") break;
      // Rows go or a number goes unstored: raise the persisted mark first (see the file comment).
      this.st.mark.run(this.next);
      if (step.kind === "drop-incoming") {
        dropped.push({ seq, prio, item, queued });
        return seq;
      }
      const victim = checkOptionalRow(ItemRowWithBytes, "items", this.st.oldestOf.get(step.prio));
      if (!victim) break;
      this.st.del.run(victim.seq);
      if (victim.seq === this.overflowSeq) this.overflowSeq = undefined;
      this.counts[step.prio]!--;
      this.totalBytes -= victim.bytes;
      dropped.push(toRecord(victim));
    }
    this.st.insert.run(prio, seq, KIND_CODE[item.kind], item.kind === "event" ? item.event.code : 0, body, bytes, queued);
    this.counts[prio]!++;
    this.totalBytes += bytes;
    return seq;
  }

  /** One 354 "failure to communicate" per overflow episode: only when none is waiting already. */
  private reportOverflow(dropped: OutboxRecord[]): void {
    if (this.overflowSeq !== undefined) return;
    const n = dropped.length;
    const seq = this.admit({ kind: "event", event: overflowEvent(this.clock.now()) }, dropped);
    // Unless the 354 itself could not be stored (only alarms left), it is the waiting one.
    if (!dropped.slice(n).some((d) => d.seq === seq)) this.overflowSeq = seq;
  }
}
