import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { FirmwareError } from "../../firmware/firmware-error.js";
import { MemoryStore } from "../../firmware/store/memory-store.js";
import type { PanelStore } from "../../firmware/store/panel-store.js";
import { SqliteStore } from "../../firmware/store/sqlite-store.js";
import { main } from "../../simulator/scenario/alarm-sim.js";

const impls: [string, (cap: number) => PanelStore][] = [
  ["MemoryStore", (cap) => new MemoryStore(cap)],
  ["SqliteStore", (cap) => new SqliteStore(":memory:", cap)],
];

// Contract suite: every PanelStore implementation keeps the same ring and NV semantics.
describe.each(impls)("%s (PanelStore contract)", (_name, make) => {
  it("keeps the newest `capacity` entries as a ring, newest first", () => {
    const s = make(10);
    for (let i = 1; i <= 25; i++) s.append({ at: i, what: `e${i}`, code: 130, q: 1, area: 1, zone: i });
    expect(s.count()).toBe(10);
    expect(s.recent(3).map((e) => [e.seq, e.what, e.zone])).toEqual([[25, "e25", 25], [24, "e24", 24], [23, "e23", 23]]);
    expect(s.recent(100).at(-1)?.seq).toBe(16);
  });

  it("holds 10,000 entries by default (EN 50131-1 asks at most 500)", () => {
    const s = make(10_000);
    const batch = Array.from({ length: 10_050 }, (_, i) => ({ at: i, what: "x", user: 1 }));
    if (s instanceof SqliteStore) s.appendMany(batch);
    else batch.forEach((e) => s.append(e));
    expect(s.count()).toBe(10_000);
    expect(s.recent(1)[0]?.seq).toBe(10_050);
  });

  it("stores and returns the non-volatile state", () => {
    const s = make(10);
    expect(s.loadNv()).toBeUndefined();
    const nv = { areas: [{ area: 1, mode: "away" as const, memory: [3], hiddenMemory: [7], alarmPending: true, bypassed: [] }], users: [], wrongCodes: { count: 2, lockedUntil: undefined } };
    s.saveNv(nv);
    expect(s.loadNv()).toEqual({ ...nv, wrongCodes: { count: 2 } });
  });
});

describe("rows read back from SQLite are checked by their schema", () => {
  it("a corrupt nv row is a typed store-corrupt naming the table, not a crash later", () => {
    const db = join(mkdtempSync(join(tmpdir(), "nv-")), "p.db");
    const raw = new Database(db);
    new SqliteStore(db).close();
    raw.prepare("INSERT OR REPLACE INTO nv (k, v) VALUES ('panel', ?)").run(JSON.stringify({ areas: [{ area: 1, mode: "armed-ish" }], users: [], wrongCodes: { count: 0 } }));
    const s = new SqliteStore(db);
    expect(() => s.loadNv()).toThrow(FirmwareError);
    expect(() => s.loadNv()).toThrow(/^store-corrupt: nv: [\s\S]*areas/);
    raw.prepare("UPDATE nv SET v = 'not json{' WHERE k = 'panel'").run();
    expect(() => s.loadNv()).toThrow(expect.objectContaining({ code: "store-corrupt" }));
    s.close();
    raw.close();
  });

  it("a well-formed nv row written by an older firmware (no hiddenMemory) loads", () => {
    const db = join(mkdtempSync(join(tmpdir(), "nv-")), "p.db");
    new SqliteStore(db).close();
    const raw = new Database(db);
    raw.prepare("INSERT OR REPLACE INTO nv (k, v) VALUES ('panel', ?)").run(JSON.stringify({ areas: [{ area: 1, mode: "away", memory: [], alarmPending: false, bypassed: [] }], users: [], wrongCodes: { count: 1 } }));
    raw.close();
    const s = new SqliteStore(db);
    expect(s.loadNv()?.areas[0]).toMatchObject({ area: 1, mode: "away", hiddenMemory: [] });
    s.close();
  });

  it("a corrupt log row is a typed store-corrupt naming the log table", () => {
    const db = join(mkdtempSync(join(tmpdir(), "log-")), "p.db");
    const s = new SqliteStore(db);
    s.append({ at: 1, what: "ok" });
    const raw = new Database(db);
    raw.prepare("UPDATE log SET at = 'yesterday'").run();
    raw.close();
    expect(() => s.recent(5)).toThrow(/^store-corrupt: log:/);
    s.close();
  });
});

describe("SqliteStore survives reopening; `alarm-sim eventlog` prints it", () => {
  it("continues the sequence after a reopen and lists entries newest first as JSON lines", async () => {
    const db = join(mkdtempSync(join(tmpdir(), "log-")), "p.db");
    const a = new SqliteStore(db);
    a.append({ at: 1_000, what: "burglary q1", code: 130, q: 1, area: 1, zone: 3 });
    a.close();
    const b = new SqliteStore(db);
    b.append({ at: 2_000, what: "open/close by user q1", code: 401, q: 1, area: 1, user: 1 });
    b.close();
    let out = "";
    expect(await main(["eventlog", "--db", db, "--limit", "5"], (s) => (out += s))).toBe(0);
    const lines = out.trim().split("\n").map((l) => JSON.parse(l) as { seq: number; code: number; user?: number; zone?: number });
    expect(lines.map((l) => [l.seq, l.code])).toEqual([[2, 401], [1, 130]]);
    expect(lines[0]?.user).toBe(1);
    expect(lines[1]?.zone).toBe(3);
  });

  it("a missing database file is refused, not created", async () => {
    let err = "";
    const missing = join(mkdtempSync(join(tmpdir(), "log-")), "none.db");
    expect(await main(["eventlog", "--db", missing], () => {}, (s) => (err += s))).toBe(2);
    expect(err).toMatch(/^store-failed:/);
  });
});
