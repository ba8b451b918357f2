/**
 * WAL checkpoints off the event path: a PASSIVE checkpoint at the first tick of the clock port that finds
 * a whole quiet period (no commit since the previous tick), never inside a commit while the connection
 * is busy, and the WAL bounded by SQLite's automatic checkpoint when the connection is never quiet.
 */
import Database from "better-sqlite3";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { WalCheckpoint } from "../../firmware/store/wal-checkpoint.js";
import { FakeClock } from "../../protocol/clock.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function openDb(): { db: Database.Database; file: string; write(): void } {
  const dir = mkdtempSync(join(tmpdir(), "wal-cp-"));
  dirs.push(dir);
  const file = join(dir, "t.db");
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  // The checkpoint does not depend on it; OFF keeps the many commits below fast.
  db.pragma("synchronous = OFF");
  db.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL)");
  const ins = db.prepare("INSERT INTO t (v) VALUES (?)");
  // One row of a page's size: each commit writes a few new pages to the WAL.
  return { db, file, write: () => void ins.run(Buffer.alloc(4000)) };
}

/** Frames in the WAL not yet copied into the database file, read without copying anything. */
function walFrames(file: string): number {
  const size = (() => {
    try {
      return statSync(`${file}-wal`).size;
    } catch {
      return 0;
    }
  })();
  // 32-byte header, then frames of a 24-byte header plus one 4 KiB page.
  return size <= 32 ? 0 : (size - 32) / (24 + 4096);
}

describe("WalCheckpoint: checkpoints when quiet, on the clock port", () => {
  it("checkpoints at the first tick after a whole quiet period: not at 1,999 ms, at 2,000 ms", () => {
    const clock = new FakeClock(0);
    const t = openDb();
    const cp = new WalCheckpoint(t.db, clock, { quietMs: 1_000 });
    t.write(); // a commit between opening and the first tick: that tick is not quiet
    clock.advance(1_999);
    expect(cp.checkpoints).toBe(0);
    clock.advance(1);
    expect(cp.checkpoints).toBe(1);
    cp.stop();
    t.db.close();
  });

  it("a commit within the period puts the checkpoint off by one tick", () => {
    const clock = new FakeClock(0);
    const t = openDb();
    const cp = new WalCheckpoint(t.db, clock, { quietMs: 1_000 });
    t.write();
    clock.advance(1_999);
    t.write(); // 1 ms before the checkpoint was due
    clock.advance(1);
    expect(cp.checkpoints).toBe(0);
    clock.advance(999);
    expect(cp.checkpoints).toBe(0);
    clock.advance(1);
    expect(cp.checkpoints).toBe(1);
    cp.stop();
    t.db.close();
  });

  it("does not checkpoint again while nothing was written, and again after the next write", () => {
    const clock = new FakeClock(0);
    const t = openDb();
    const cp = new WalCheckpoint(t.db, clock, { quietMs: 100 });
    clock.advance(100); // the first tick checkpoints what a previous run may have left
    expect(cp.checkpoints).toBe(1);
    clock.advance(10_000);
    expect(cp.checkpoints).toBe(1);
    t.write();
    clock.advance(200);
    expect(cp.checkpoints).toBe(2);
    cp.stop();
    t.db.close();
  });

  it("the checkpoint copies the pages into the database file: a fresh connection reads them without the WAL", () => {
    const clock = new FakeClock(0);
    const t = openDb();
    const cp = new WalCheckpoint(t.db, clock, { quietMs: 100 });
    for (let i = 0; i < 5; i++) t.write();
    expect(walFrames(t.file)).toBeGreaterThan(0);
    clock.advance(200);
    expect(cp.checkpoints).toBe(1);
    // Truncating the WAL (allowed only after a complete checkpoint) loses nothing.
    t.db.pragma("wal_checkpoint(TRUNCATE)");
    expect(walFrames(t.file)).toBe(0);
    expect(t.db.prepare("SELECT COUNT(*) FROM t").pluck().get()).toBe(5);
    cp.stop();
    t.db.close();
  });

  it("stop() cancels the tick: nothing pending on the clock", () => {
    const clock = new FakeClock(0);
    const t = openDb();
    const cp = new WalCheckpoint(t.db, clock);
    expect(clock.pending).toBe(1);
    cp.stop();
    expect(clock.pending).toBe(0);
    t.db.close();
  });

  it("a tick after the connection closed does nothing and stops ticking", () => {
    const clock = new FakeClock(0);
    const t = openDb();
    const cp = new WalCheckpoint(t.db, clock, { quietMs: 100 });
    t.db.close();
    expect(() => clock.advance(100)).not.toThrow();
    expect(clock.pending).toBe(0);
    expect(cp.checkpoints).toBe(0);
  });

  it("refuses a bound or period that is not positive, with a typed error", () => {
    const t = openDb();
    expect(() => new WalCheckpoint(t.db, new FakeClock(0), { maxWalFrames: 0 })).toThrow(expect.objectContaining({ code: "config-invalid" }));
    expect(() => new WalCheckpoint(t.db, new FakeClock(0), { quietMs: 0 })).toThrow(expect.objectContaining({ code: "config-invalid" }));
    t.db.close();
  });
});

describe("WalCheckpoint: the WAL is bounded when the connection is never quiet", () => {
  // Each commit here writes 2-3 frames (the row's page, the table's root, sometimes a new interior page).
  const COMMITS = 600;

  it("without the bound (automatic checkpoint off) the WAL grows with every commit", () => {
    const t = openDb();
    t.db.pragma("wal_autocheckpoint = 0");
    for (let i = 0; i < COMMITS; i++) t.write();
    expect(walFrames(t.file)).toBeGreaterThan(COMMITS);
    t.db.close();
  });

  it("with maxWalFrames 100 and no quiet tick ever, the WAL file stays within 100 frames plus one commit's", () => {
    const clock = new FakeClock(0);
    const t = openDb();
    const cp = new WalCheckpoint(t.db, clock, { quietMs: 1_000, maxWalFrames: 100 });
    for (let i = 0; i < COMMITS; i++) t.write();
    // Time never moved: no quiet checkpoint ran, only SQLite's bound kept the file small.
    expect(cp.checkpoints).toBe(0);
    expect(walFrames(t.file)).toBeGreaterThan(50);
    expect(walFrames(t.file)).toBeLessThanOrEqual(100 + 5);
    cp.stop();
    t.db.close();
  });
});
