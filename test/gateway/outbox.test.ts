import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { Cid, Priority, Qualifier, type Event } from "../../protocol/index.js";
import { openDatabase, type Db } from "../../gateway/database.js";
import { FakeClock } from "../../protocol/clock.js";
import { Outbox, type OutboxRecord } from "../../gateway/outbox.js";

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const d of dbs.splice(0)) if (d.open) d.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempFile(): string {
  const d = mkdtempSync(join(tmpdir(), "outbox-test-"));
  dirs.push(d);
  return join(d, "gw.db");
}

function open(path = ":memory:", limits?: { maxItems?: number; maxBytes?: number }, onDrop?: (d: readonly OutboxRecord[]) => void) {
  const db = openDatabase(path);
  dbs.push(db);
  return { db, outbox: new Outbox(db, { clock: new FakeClock(), ...(limits ? { limits } : {}), ...(onDrop ? { onDrop } : {}) }) };
}

const at = 1_700_000_000_000;
const alarm = (zone = 1): Event => ({ code: Cid.Burglary, q: Qualifier.New, area: 1, zone, at });
const tamper = (zone = 1): Event => ({ code: Cid.Tamper, q: Qualifier.New, area: 1, zone, at });
const openClose = (user = 1): Event => ({ code: Cid.OpenClose, q: Qualifier.New, area: 1, user, at });
const test = (): Event => ({ code: Cid.PeriodicTest, q: Qualifier.New, area: 0, at });

function codesInOrder(outbox: Outbox): number[] {
  return outbox.peek([-1, -1, -1, -1], 1000).map((r) => (r.item.kind === "event" ? r.item.event.code : -1));
}

describe("outbox sequence numbers", () => {
  it("assigns 0, 1, 2 ... from one counter shared with heartbeats and command results", () => {
    const { outbox } = open();
    expect(outbox.enqueue(alarm())).toBe(0);
    expect(outbox.enqueue(test())).toBe(1);
    expect(outbox.enqueueHeartbeat({ areas: [], troubles: [], outbox: 2 }).seq).toBe(2);
    expect(outbox.enqueueResult({ id: "c1", ok: true })).toBe(3);
    expect(outbox.enqueueMany([alarm(2), alarm(3)])).toEqual([4, 5]);
    expect(outbox.nextSeq).toBe(6);
  });

  it("keeps rising across a reopen of the file and never reuses a number, even after every item was acknowledged", () => {
    const path = tempFile();
    const a = open(path);
    const seqs = [a.outbox.enqueue(alarm()), a.outbox.enqueue(openClose())];
    expect(a.outbox.remove(seqs)).toBe(2);
    expect(a.outbox.depth().total).toBe(0);
    a.db.close();
    const b = open(path);
    expect(b.outbox.enqueue(alarm())).toBe(2);
  });

  it("restores depth per class and the items themselves after a reopen", () => {
    const path = tempFile();
    const a = open(path);
    a.outbox.enqueueMany([test(), alarm(4), openClose(7)]);
    a.db.close();
    const b = open(path);
    expect(b.outbox.depth().byClass).toEqual([1, 0, 1, 1]);
    expect(b.outbox.peek([-1, -1, -1, -1], 10).map((r) => r.item)).toEqual([
      { kind: "event", event: alarm(4) },
      { kind: "event", event: openClose(7) },
      { kind: "event", event: test() },
    ]);
  });
});

describe("outbox delivery order", () => {
  it("hands out alarm/hold-up, then fire/tamper/trouble, then open/close, then tests; FIFO within a class", () => {
    const { outbox } = open();
    outbox.enqueueMany([test(), openClose(1), tamper(1), alarm(1), openClose(2), alarm(2), { code: Cid.Panic, q: 1, area: 1, zone: 9, at }]);
    const recs = outbox.peek([-1, -1, -1, -1], 10);
    expect(recs.map((r) => r.seq)).toEqual([3, 5, 6, 2, 1, 4, 0]);
    expect(recs.map((r) => r.prio)).toEqual([0, 0, 0, 1, 2, 2, 3]);
  });

  it("skips what the sender already has in flight (its cursor per class) and respects the limit", () => {
    const { outbox } = open();
    outbox.enqueueMany([alarm(1), alarm(2), openClose(1), openClose(2)]);
    expect(outbox.peek([0, -1, 2, -1], 10).map((r) => r.seq)).toEqual([1, 3]);
    expect(outbox.peek([-1, -1, -1, -1], 3).map((r) => r.seq)).toEqual([0, 1, 2]);
  });

  it("removes only acknowledged sequence numbers; unknown ones are ignored", () => {
    const { outbox } = open();
    outbox.enqueueMany([alarm(1), alarm(2), alarm(3)]);
    expect(outbox.remove([1, 99])).toBe(1);
    expect(outbox.peek([-1, -1, -1, -1], 10).map((r) => r.seq)).toEqual([0, 2]);
  });

  it("parks an item (not handed out) until unparkAll", () => {
    const { outbox } = open();
    outbox.enqueueMany([alarm(1), alarm(2)]);
    outbox.park(0);
    expect(outbox.peek([-1, -1, -1, -1], 10).map((r) => r.seq)).toEqual([1]);
    expect(outbox.depth().total).toBe(2);
    outbox.unparkAll();
    expect(outbox.peek([-1, -1, -1, -1], 10).map((r) => r.seq)).toEqual([0, 1]);
  });

  it("reports the queue time of the oldest item", () => {
    const clock = new FakeClock(5000);
    const db = openDatabase(":memory:");
    dbs.push(db);
    const outbox = new Outbox(db, { clock });
    expect(outbox.oldestQueued()).toBeUndefined();
    outbox.enqueue(test());
    clock.advance(100);
    outbox.enqueue(alarm());
    expect(outbox.oldestQueued()).toBe(5000);
  });
});

describe("outbox overflow (drop oldest lowest-class first, never an alarm while lower classes remain, report 354)", () => {
  it("follows the rule event by event", () => {
    const drops: number[][] = [];
    const { outbox } = open(":memory:", { maxItems: 6 }, (d) => drops.push(d.map((r) => r.seq)));
    // seq 0..5: alarm, test, open/close, test, tamper, alarm -> full
    outbox.enqueueMany([alarm(1), test(), openClose(1), test(), tamper(1), alarm(2)]);
    expect(drops).toEqual([]);

    // An alarm arrives: the oldest test (1) goes; the 354 report needs room too: the other test (3) goes.
    expect(outbox.enqueue(alarm(3))).toBe(6);
    expect(drops).toEqual([[1, 3]]);
    expect(codesInOrder(outbox)).toEqual([130, 130, 130, 137, 354, 401]);

    // A test arrives: nothing stored is of a lower class, so the newcomer itself is dropped; a 354 is already waiting.
    expect(outbox.enqueue(test())).toBe(8);
    expect(drops[1]).toEqual([8]);
    expect(codesInOrder(outbox)).toEqual([130, 130, 130, 137, 354, 401]);

    // An alarm: the open/close (2) is now the lowest class.
    outbox.enqueue(alarm(4));
    expect(drops[2]).toEqual([2]);
    // An alarm: fire/tamper/trouble class next, oldest first: the tamper (4) before the 354 (7).
    outbox.enqueue(alarm(5));
    expect(drops[3]).toEqual([4]);
    expect(codesInOrder(outbox)).toEqual([130, 130, 130, 130, 130, 354]);
    // Only alarms and the 354 left: the 354 goes, and a new 354 cannot displace an alarm, so it is dropped too.
    outbox.enqueue(alarm(6));
    expect(drops[4]).toEqual([7, 12]);
    // Only alarms: now, and only now, the oldest alarm goes.
    outbox.enqueue(alarm(7));
    expect(drops[5]).toEqual([0, 14]);
    expect(outbox.depth()).toMatchObject({ total: 6, byClass: [6, 0, 0, 0] });
  });

  it("reports one 354 per overflow episode: a new one only after the waiting one was acknowledged", () => {
    const { outbox } = open(":memory:", { maxItems: 4 });
    outbox.enqueueMany([test(), test(), test(), test()]);
    outbox.enqueue(test());
    outbox.enqueue(test());
    const of354 = () => outbox.peek([-1, -1, -1, -1], 10).filter((r) => r.item.kind === "event" && r.item.event.code === Cid.FailureToCommunicate);
    expect(of354()).toHaveLength(1);
    outbox.remove(of354().map((r) => r.seq));
    outbox.enqueue(test()); // fills the slot the 354 left: no overflow yet
    expect(of354()).toHaveLength(0);
    outbox.enqueue(test());
    expect(of354()).toHaveLength(1);
  });

  it("bounds the bytes as well as the count", () => {
    const { outbox } = open(":memory:", { maxItems: 1000, maxBytes: 1024 });
    for (let i = 0; i < 50; i++) outbox.enqueue(openClose(i + 1));
    expect(outbox.depth().bytes).toBeLessThanOrEqual(1024);
    expect(outbox.depth().total).toBeGreaterThan(5);
    expect(outbox.depth().total).toBeLessThan(50);
  });

  it("holds for any sequence of events: an alarm is dropped only when no lower class remains, and always the oldest of its class", () => {
    const kinds = [alarm, tamper, openClose, test] as const;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 2, max: 8 }), (classes, maxItems) => {
        const dropped: OutboxRecord[][] = [];
        const { outbox, db } = open(":memory:", { maxItems }, (d) => dropped.push([...d]));
        for (const c of classes) {
          const before = outbox.peek([-1, -1, -1, -1], 100);
          const n = dropped.length;
          outbox.enqueue(kinds[c]!(1));
          const after = outbox.peek([-1, -1, -1, -1], 100);
          expect(after.length).toBeLessThanOrEqual(maxItems);
          if (dropped.length === n) continue;
          for (const d of dropped[n]!) {
            if (d.prio === Priority.Alarm) {
              expect(after.every((r) => r.prio === Priority.Alarm)).toBe(true);
            }
            // The victim was the oldest stored item of its class (or a newcomer).
            const olderSame = before.filter((r) => r.prio === d.prio && r.seq < d.seq && after.some((a) => a.seq === r.seq));
            expect(olderSame).toEqual([]);
          }
        }
        db.close();
      }),
      { numRuns: 150 },
    );
  });

  it("refuses limits that cannot work with a bad-config GatewayError", () => {
    const db = openDatabase(":memory:");
    dbs.push(db);
    expect(() => new Outbox(db, { limits: { maxItems: 1 } })).toThrow(expect.objectContaining({ code: "bad-config" }));
  });
});

describe("outbox counter without a counter write per enqueue", () => {
  it("never reuses a number: not after the highest items were acknowledged, nor after an overflow dropped a newcomer", () => {
    const path = tempFile();
    const a = open(path, { maxItems: 2 });
    a.outbox.enqueueMany([alarm(1), alarm(2)]); // 0, 1
    expect(a.outbox.remove([1])).toBe(1); // the highest stored is now 0
    a.outbox.enqueue(alarm(3)); // 2
    // Full of alarms: the test (3) is dropped at once, and so is the 354 (4) that would report it.
    a.outbox.enqueue(test());
    const next = a.outbox.nextSeq;
    expect(next).toBe(5); // the highest stored is 2: without the persisted mark 3 and 4 would come again
    a.db.close();
    const b = open(path, { maxItems: 2 });
    expect(b.outbox.nextSeq).toBe(next);
    expect(b.outbox.enqueue(alarm(4))).toBe(next);
  });

  it("a rolled-back enqueue (the file refused the write) hands out nothing and leaves the counts right", () => {
    const path = tempFile();
    const a = open(path);
    a.outbox.enqueue(alarm(1));
    const other = openDatabase(path);
    dbs.push(other);
    other.exec("BEGIN EXCLUSIVE");
    expect(() => a.outbox.enqueue(alarm(2))).toThrow();
    other.exec("ROLLBACK");
    expect(a.outbox.depth().total).toBe(1);
    expect(a.outbox.enqueue(alarm(3))).toBeGreaterThanOrEqual(1);
    expect(a.outbox.depth().total).toBe(2);
  });
});
