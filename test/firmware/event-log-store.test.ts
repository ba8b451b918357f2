import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
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
    const nv = { areas: [{ area: 1, mode: "away" as const, memory: [3], alarmPending: true, bypassed: [] }], users: [], wrongCodes: { count: 2, lockedUntil: undefined } };
    s.saveNv(nv);
    expect(s.loadNv()).toEqual({ ...nv, wrongCodes: { count: 2 } });
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
