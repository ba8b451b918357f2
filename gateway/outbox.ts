/**
 * The store-and-forward outbox (issue #4). Every item is committed durably with its sequence number,
 * taken from a persisted counter in the same transaction, so sequence numbers rise across restarts and
 * are never reused. Items leave in priority order (eventDef(code).priority: alarm/hold-up, then
 * fire/tamper/trouble, then open/close, then tests), FIFO within a class, and are deleted only when the
 * centre's signed ACK names them. The outbox is bounded; see admit() for the overflow rule.
 */
import { Cid, Priority, Qualifier, eventDef, type CommandResult, type Event, type Heartbeat } from "../protocol/index.js";
import type { Clock } from "./clock.js";
import { systemClock } from "./clock.js";
import type { Db } from "./database.js";
import { GatewayError } from "./errors.js";

export type OutboxItem =
  | { readonly kind: "event"; readonly event: Event }
  | { readonly kind: "result"; readonly result: CommandResult }
  | { readonly kind: "heartbeat"; readonly heartbeat: Heartbeat };

const KIND_CODE = { event: 0, result: 1, heartbeat: 2 } as const;

export interface OutboxRecord {
  readonly seq: number;
  readonly prio: Priority;
  readonly item: OutboxItem;
  /** Local time it was queued, ms. */
  readonly queued: number;
}

export interface OutboxLimits {
  readonly maxItems: number;
  readonly maxBytes: number;
}

export const DEFAULT_LIMITS: OutboxLimits = { maxItems: 100_000, maxBytes: 64 * 1024 * 1024 };
export const CLASSES = [Priority.Alarm, Priority.Urgent, Priority.OpenClose, Priority.Routine] as const;
/** Command results share the trouble class: the centre operator is waiting for them. */
const RESULT_PRIORITY = Priority.Urgent;
/** Per-row cost beyond the JSON body (keys, index entry), so maxBytes approximates the file's growth. */
const ROW_OVERHEAD = 48;

export interface OutboxOptions {
  readonly limits?: Partial<OutboxLimits>;
  readonly clock?: Clock;
  /** Told of every item dropped by the overflow rule (already gone from the store). */
  readonly onDrop?: (dropped: readonly OutboxRecord[]) => void;
}

interface Row {
  seq: number;
  prio: number;
  kind: number;
  body: string;
  queued: number;
}

export class Outbox {
  private readonly limits: OutboxLimits;
  private readonly clock: Clock;
  private readonly counts = [0, 0, 0, 0];
  private totalBytes = 0;
  private readonly st;
  private readonly insertTx;
  private readonly removeTx;

  constructor(
    private readonly db: Db,
    private readonly opts: OutboxOptions = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits };
    if (!(this.limits.maxItems >= 2) || !(this.limits.maxBytes >= 1024)) {
      throw new GatewayError("bad-config", `outbox limits too small: ${JSON.stringify(this.limits)}`);
    }
    this.clock = opts.clock ?? systemClock;
    this.st = {
      bump: db.prepare("UPDATE meta SET v = v + 1 WHERE k = 'next_seq' RETURNING v - 1 AS seq"),
      insert: db.prepare("INSERT INTO outbox (seq, prio, kind, code, body, bytes, queued) VALUES (?, ?, ?, ?, ?, ?, ?)"),
      oldestOf: db.prepare("SELECT seq, prio, kind, body, queued, bytes FROM outbox WHERE prio = ? ORDER BY seq LIMIT 1"),
      del: db.prepare("DELETE FROM outbox WHERE seq = ? RETURNING prio, bytes"),
      peekClass: db.prepare("SELECT seq, prio, kind, body, queued FROM outbox WHERE prio = ? AND seq > ? AND parked = 0 ORDER BY seq LIMIT ?"),
      pendingOverflow: db.prepare("SELECT 1 FROM outbox WHERE kind = 0 AND code = ? AND seq > ? LIMIT 1"),
      park: db.prepare("UPDATE outbox SET parked = 1 WHERE seq = ?"),
      unpark: db.prepare("UPDATE outbox SET parked = 0 WHERE parked = 1"),
      oldestQueued: db.prepare("SELECT queued FROM outbox WHERE prio = ? ORDER BY seq LIMIT 1"),
      nextSeq: db.prepare("SELECT v FROM meta WHERE k = 'next_seq'"),
    };
    for (const r of db.prepare("SELECT prio, count(*) AS n, sum(bytes) AS b FROM outbox GROUP BY prio").all() as { prio: number; n: number; b: number }[]) {
      this.counts[r.prio] = r.n;
      this.totalBytes += r.b;
    }
    this.insertTx = db.transaction((items: readonly OutboxItem[]) => {
      const dropped: OutboxRecord[] = [];
      const seqs = items.map((it) => this.admit(it, dropped));
      if (dropped.length > 0) this.reportOverflow(dropped);
      return { seqs, dropped };
    });
    this.removeTx = db.transaction((seqs: readonly number[]) => {
      let n = 0;
      for (const s of seqs) {
        const r = this.st.del.get(s) as { prio: number; bytes: number } | undefined;
        if (!r) continue;
        this.counts[r.prio]!--;
        this.totalBytes -= r.bytes;
        n++;
      }
      return n;
    });
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

  /** The next sequence number the counter will hand out. */
  get nextSeq(): number {
    return (this.st.nextSeq.get() as { v: number }).v;
  }

  /**
   * Up to `limit` unparked items in delivery order, skipping in each class everything up to
   * `after[class]` (the sender's cursor: what it already has in flight).
   */
  peek(after: readonly number[], limit: number): OutboxRecord[] {
    const out: OutboxRecord[] = [];
    for (const p of CLASSES) {
      if (out.length >= limit) break;
      if (this.counts[p] === 0) continue;
      const rows = this.st.peekClass.all(p, after[p] ?? -1, limit - out.length) as Row[];
      for (const r of rows) out.push(toRecord(r));
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
      const r = this.st.oldestQueued.get(p) as { queued: number } | undefined;
      if (r && (oldest === undefined || r.queued < oldest)) oldest = r.queued;
    }
    return oldest;
  }

  private commit(items: readonly OutboxItem[]): number[] {
    const { seqs, dropped } = this.insertTx(items);
    if (dropped.length > 0) this.opts.onDrop?.(dropped);
    return seqs;
  }

  /**
   * Store one item, making room first. Issue #4: when full, drop the oldest item of the lowest class
   * present, so an alarm is never dropped while any lower-class item remains. The incoming item takes
   * part: when it is of a lower class than everything stored, it is the one dropped (its sequence
   * number is still consumed, never reused).
   */
  private admit(item: OutboxItem, dropped: OutboxRecord[]): number {
    const seq = (this.st.bump.get() as { seq: number }).seq;
    const prio = itemPriority(item);
    const body = JSON.stringify(item.kind === "event" ? item.event : item.kind === "result" ? item.result : item.heartbeat);
    const bytes = body.length + ROW_OVERHEAD;
    const queued = this.clock.now();
    while (this.total() + 1 > this.limits.maxItems || this.totalBytes + bytes > this.limits.maxBytes) {
      const lowest = this.lowestClassPresent();
      if (lowest === undefined || prio > lowest) {
        dropped.push({ seq, prio, item, queued });
        return seq;
      }
      const victim = this.st.oldestOf.get(lowest) as (Row & { bytes: number }) | undefined;
      if (!victim) break;
      this.st.del.run(victim.seq);
      this.counts[lowest]!--;
      this.totalBytes -= victim.bytes;
      dropped.push(toRecord(victim));
    }
    this.st.insert.run(seq, prio, KIND_CODE[item.kind], item.kind === "event" ? item.event.code : 0, body, bytes, queued);
    this.counts[prio]!++;
    this.totalBytes += bytes;
    return seq;
  }

  /** One 354 "failure to communicate" per overflow episode: only when none is waiting already. */
  private reportOverflow(dropped: OutboxRecord[]): void {
    const waiting = this.st.pendingOverflow.get(Cid.FailureToCommunicate, -1);
    if (waiting) return;
    const event: Event = { code: Cid.FailureToCommunicate, q: Qualifier.New, area: 0, at: this.clock.now() };
    this.admit({ kind: "event", event }, dropped);
  }

  private total(): number {
    return this.counts[0]! + this.counts[1]! + this.counts[2]! + this.counts[3]!;
  }

  private lowestClassPresent(): Priority | undefined {
    for (let i = CLASSES.length - 1; i >= 0; i--) if (this.counts[CLASSES[i]!]! > 0) return CLASSES[i];
    return undefined;
  }
}

export function itemPriority(item: OutboxItem): Priority {
  if (item.kind === "result") return RESULT_PRIORITY;
  if (item.kind === "heartbeat") return Priority.Routine;
  const d = eventDef(item.event.code);
  if (!d) throw new GatewayError("bad-event", `unknown Contact ID code ${item.event.code}`);
  return d.priority;
}

function toRecord(r: Row): OutboxRecord {
  const parsed = JSON.parse(r.body) as Event & CommandResult & Heartbeat;
  const item: OutboxItem = r.kind === KIND_CODE.event ? { kind: "event", event: parsed } : r.kind === KIND_CODE.result ? { kind: "result", result: parsed } : { kind: "heartbeat", heartbeat: parsed };
  return { seq: r.seq, prio: r.prio as Priority, item, queued: r.queued };
}
