import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Event } from "../../protocol/index.js";
import { FakeClock } from "../../protocol/clock.js";
import { claimOwner, openDatabase, readMeta } from "../../gateway/database.js";
import { CommandGuard } from "../../gateway/command-guard.js";
import { isGatewayError, type GatewayError } from "../../gateway/errors.js";
import { Outbox } from "../../gateway/outbox.js";
import { harness } from "./sim-harness.js";
import { burglary } from "./burglary.js";


function caught(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (e) {
    if (isGatewayError(e)) return e;
    throw e;
  }
  throw new Error("expected a GatewayError");
}

describe("rows read back from SQLite are checked by their schema (store-corrupt names the table)", () => {
  it("an items row whose body is not JSON is parked and reported; the next one is still delivered in order", () => {
    const db = openDatabase(":memory:");
    const corrupt: [number, GatewayError][] = [];
    const outbox = new Outbox(db, { clock: new FakeClock(), onCorrupt: (seq, e) => corrupt.push([seq, e]) });
    const [a, b] = outbox.enqueueMany([burglary(1), burglary(2)]);
    db.prepare("UPDATE items SET body = '{not json' WHERE seq = ?").run(a);
    expect(outbox.peek([-1, -1, -1, -1], 10).map((r) => r.seq)).toEqual([b]);
    expect(corrupt).toHaveLength(1);
    expect(corrupt[0]![0]).toBe(a);
    expect(corrupt[0]![1].code).toBe("store-corrupt");
    expect(corrupt[0]![1].message).toContain("table items");
    // Parked: not offered again, still counted until the next start.
    expect(outbox.peek([-1, -1, -1, -1], 10).map((r) => r.seq)).toEqual([b]);
    expect(outbox.depth().total).toBe(2);
    db.close();
  });

  it("an items body that is JSON but not a valid event is refused by the Event schema", () => {
    const db = openDatabase(":memory:");
    const corrupt: GatewayError[] = [];
    const outbox = new Outbox(db, { clock: new FakeClock(), onCorrupt: (_seq, e) => corrupt.push(e) });
    const seq = outbox.enqueue(burglary(1));
    db.prepare("UPDATE items SET body = ? WHERE seq = ?").run(JSON.stringify({ ...burglary(1), zone: undefined }), seq);
    expect(outbox.peek([-1, -1, -1, -1], 10)).toEqual([]);
    expect(corrupt[0]?.message).toMatch(/table items: seq \d+: zone/);
    db.close();
  });

  it("an items row whose columns do not fit throws store-corrupt at the read", () => {
    const db = openDatabase(":memory:");
    const outbox = new Outbox(db, { clock: new FakeClock() });
    outbox.enqueue(burglary(1));
    db.prepare("UPDATE items SET kind = 7").run();
    const e = caught(() => outbox.peek([-1, -1, -1, -1], 10));
    expect(e.code).toBe("store-corrupt");
    expect(e.message).toContain("table items");
    db.close();
  });

  it("a meta counter that is not an integer makes opening the outbox fail with store-corrupt naming meta", () => {
    const db = openDatabase(":memory:");
    db.prepare("UPDATE meta SET v = 'x' WHERE k = 'next_seq'").run();
    const e = caught(() => new Outbox(db, { clock: new FakeClock() }));
    expect(e.code).toBe("store-corrupt");
    expect(e.message).toContain("table meta");
    db.prepare("INSERT INTO meta (k, v) VALUES ('link_lost_at', 1.5)").run();
    expect(caught(() => readMeta(db, "link_lost_at")).message).toContain("table meta");
    db.close();
  });

  it("a well-formed meta value and executed row read back unchanged", () => {
    const db = openDatabase(":memory:");
    db.prepare("INSERT INTO meta (k, v) VALUES ('link_lost_at', 1234)").run();
    expect(readMeta(db, "link_lost_at")).toBe(1234);
    const guard = new CommandGuard(db);
    const cmd = { id: "c1", type: "time-sync", exp: 10_000 } as const;
    guard.admit(cmd, 0, 0, true);
    expect(caught(() => guard.admit(cmd, 0, 0, true)).code).toBe("replay");
    db.close();
  });

  it("through the gateway: the corrupt item is reported rejected (malformed) and the others are delivered", async () => {
    const dir = mkdtempSync(join(tmpdir(), "store-corrupt-"));
    const file = join(dir, "gw.db");
    const db = openDatabase(file);
    const [a, b] = new Outbox(db, { clock: new FakeClock() }).enqueueMany([burglary(1), burglary(2)]);
    db.prepare("UPDATE items SET body = '' WHERE seq = ?").run(a);
    db.close();
    const h = harness({ db: file });
    const rejected: number[] = [];
    h.gw.on("rejected", ({ seq, reason }) => reason === "malformed" && rejected.push(seq));
    await h.gw.start();
    h.clock.advance(10);
    expect(rejected).toEqual([a]);
    const delivered = h.centre.events("p1").map((s) => s.seq);
    expect(delivered).toContain(b);
    expect(delivered).not.toContain(a);
    await h.gw.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("a gateway over a file whose counter is unreadable refuses to start with store-corrupt naming meta", () => {
    const dir = mkdtempSync(join(tmpdir(), "store-corrupt-"));
    const file = join(dir, "gw.db");
    const db = openDatabase(file);
    db.prepare("UPDATE meta SET v = 'x' WHERE k = 'next_seq'").run();
    db.close();
    const e = caught(() => harness({ db: file }));
    expect(e.code).toBe("store-corrupt");
    expect(e.message).toContain("table meta");
    rmSync(dir, { recursive: true, force: true });
  });

  it("a panel's data file is its own: another panel's outbox is refused by name (data-mismatch), its own opens again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "store-owner-"));
    const file = join(dir, "gw.db");
    const db = openDatabase(file);
    claimOwner(db, "other-panel", file);
    db.close();
    const e = caught(() => harness({ db: file }));
    expect(e.code).toBe("data-mismatch");
    expect(e.message).toContain("other-panel");
    const own = openDatabase(file);
    expect(() => claimOwner(own, "other-panel", file)).not.toThrow();
    own.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
