/**
 * The centre store contract for the alarms a batch of frames raises, both stores: one open alarm per
 * (panel, key) however many frames of one batch, and however many receivers, raise it; a restore joins only
 * what is open; the whole batch rolls back when its alarm part fails. On PostgreSQL, a batch costs the same
 * number of statements whatever its size (the alarms are written set-based, not one by one).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Event, UplinkPayload } from "../../protocol/index.js";
import { Qualifier } from "../../protocol/index.js";
import { PgCentreStore } from "../../simulator/centre/store-pg/pg-store.js";
import type { CentreStorePort, FrameToStore, StoreOutcome } from "../../simulator/centre/store-pg/port.js";
import { SqliteCentreStore } from "../../simulator/centre/store-pg/sqlite-store.js";
import { isStoreError } from "../../simulator/centre/store/store-error.js";
import { STORE_KINDS, frameToStore, storeBackend, useTwoReceivers, type CentreUnderTest, type StoreBackend } from "../support/centre-stores.js";

const T0 = Date.UTC(2026, 0, 1);

const ev = (zone: number, q: Qualifier = Qualifier.New): Event => ({ code: 130, q, area: 1, zone, at: T0 });
const payload = (panel: string, seq: number, ...events: Event[]): UplinkPayload => ({ v: 1, panel, seq, sent: T0, events });
const burglary = (panel: string, seq: number, zone: number) => frameToStore(payload(panel, seq, ev(zone)));
const restore = (panel: string, seq: number, zone: number) => frameToStore(payload(panel, seq, ev(zone, Qualifier.Restore)));
const alarmsOf = (o: StoreOutcome | undefined): readonly number[] => (o?.result === "stored" ? o.alarms : ["not stored" as unknown as number]);

/** Every statement a PostgreSQL store's pool runs goes through `spy` (SQLite: nothing to spy on). */
function spyOnStatements(s: CentreStorePort, spy: (result: unknown) => unknown): void {
  if (!(s instanceof PgCentreStore)) return;
  const seen = new WeakSet<object>();
  s.db.pool.on("acquire", (client) => {
    if (seen.has(client)) return;
    seen.add(client);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => spy(query(...args));
  });
}

async function closeAlarm(s: CentreStorePort, id: number, at: number): Promise<void> {
  for (const step of ["take", "handle", "close"] as const) await s.alarms.transition(id, step, "op1", at, null);
}

describe.each(STORE_KINDS)("centre store contract, a batch's alarms (%s)", (kind) => {
  const rx = useTwoReceivers(kind, { P1: "SP4", P2: "SP2" }, T0);

  it("many alarms in one batch: one alarm per (panel, zone), each frame on its own, outcomes in input order", async () => {
    // 2 panels x 10 zones x 2 reports, shuffled (a fixed permutation): 40 frames, 20 faults.
    const frames = ["P1", "P2"].flatMap((panel) => Array.from({ length: 20 }, (_, seq) => burglary(panel, seq, 1 + (seq % 10))));
    const input = frames.map((f, i) => ({ f, k: (i * 17) % frames.length })).sort((x, y) => x.k - y.k).map((x) => x.f);
    const out = await rx.a.frames.store(input, T0, "r1");
    const alarms = await rx.b.alarms.list();
    expect(alarms).toHaveLength(20);
    const byKey = new Map(alarms.map((x) => [`${x.panel}/${x.key}`, x.id]));
    input.forEach((f, i) => expect(alarmsOf(out[i])).toEqual([byKey.get(`${f.panel}/130:z${1 + (f.seq % 10)}`)]));
    for (const x of alarms) {
      const zone = Number(x.key.split(":z")[1]);
      expect((await rx.b.alarms.frames(x.id)).map((f) => f.seq).sort((p, q) => p - q)).toEqual([zone - 1, zone + 9]);
      expect((await rx.b.alarms.entries(x.id)).map((e) => e.state)).toEqual(["new", "new"]);
    }
    expect((await rx.b.registry.panels()).map((p) => p.lastSeen)).toEqual([T0, T0]);
  });

  it("the same key twice in one batch: the first frame opens the alarm, the others join it, in order", async () => {
    const out = await rx.a.frames.store([burglary("P1", 0, 3), burglary("P1", 1, 3), restore("P1", 2, 3)], T0, "r1");
    const ids = out.flatMap(alarmsOf);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(1);
    expect(await rx.b.alarms.list()).toHaveLength(1);
    expect((await rx.b.alarms.frames(ids[0]!)).map((f) => f.seq)).toEqual([0, 1, 2]);
    expect((await rx.b.alarms.entries(ids[0]!)).map((e) => [e.state, e.note])).toEqual([
      ["new", "seq 0: burglary zone 3 area 1"],
      ["new", "seq 1: burglary zone 3 area 1"],
      ["new", "seq 2: burglary zone 3 area 1 restored"],
    ]);
  });

  it("one frame carrying an event and its restore lands twice on one alarm, attached once", async () => {
    const [o] = await rx.a.frames.store([frameToStore(payload("P1", 0, ev(5), ev(5, Qualifier.Restore)))], T0, "r1");
    const ids = alarmsOf(o);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
    expect((await rx.b.alarms.frames(ids[0]!)).map((f) => f.seq)).toEqual([0]);
    expect(await rx.b.alarms.entries(ids[0]!)).toHaveLength(2);
  });

  it("a restore before the batch's first raise of its key joins only what was open before the batch", async () => {
    // Nothing open: the restore joins nothing, the raise after it opens the alarm.
    const fresh = await rx.a.frames.store([restore("P1", 0, 4), burglary("P1", 1, 4)], T0, "r1");
    expect(alarmsOf(fresh[0])).toEqual([]);
    const [opened] = alarmsOf(fresh[1]);
    expect((await rx.b.alarms.frames(opened!)).map((f) => f.seq)).toEqual([1]);
    // Open before the batch (through the other receiver): both join it.
    const joined = await rx.b.frames.store([restore("P1", 2, 4), burglary("P1", 3, 4)], T0 + 1, "r2");
    expect(joined.flatMap(alarmsOf)).toEqual([opened, opened]);
    // Closed before the batch: the restore joins nothing, the raise opens a new alarm.
    await closeAlarm(rx.a, opened!, T0 + 2);
    const again = await rx.a.frames.store([restore("P1", 4, 4), burglary("P1", 5, 4)], T0 + 3, "r1");
    expect(alarmsOf(again[0])).toEqual([]);
    expect(alarmsOf(again[1])).toHaveLength(1);
    expect(alarmsOf(again[1])[0]).not.toBe(opened);
    expect((await rx.b.alarms.list()).map((x) => x.key)).toEqual(["130:z4"]);
  });

  it("two receivers raising the same faults at once while an operator closes them: at most one open alarm per fault, every raise on exactly one alarm", async () => {
    const zones = 4;
    const per = 48;
    const mk = (from: number) => ["P1", "P2"].flatMap((panel) => Array.from({ length: per }, (_, i) => burglary(panel, from + i, 1 + (i % zones))));
    const run = async (s: CentreStorePort, frames: FrameToStore[], size: number, name: string) => {
      const outs: [FrameToStore, StoreOutcome][] = [];
      for (let i = 0; i < frames.length; i += size) {
        const batch = frames.slice(i, i + size);
        (await s.frames.store(batch, T0, name)).forEach((o, k) => outs.push([batch[k]!, o]));
        await new Promise((r) => setImmediate(r)); // the operator gets a turn between batches on an embedded store too
      }
      return outs;
    };
    // Batches lock in one order, so none of them waits in a cycle (PgDb.tx would retry it, unseen).
    let deadlocks = 0;
    const countDeadlocks = (r: unknown) =>
      r instanceof Promise ? r.catch((e: unknown) => ((e as { code?: string }).code === "40P01" && deadlocks++, Promise.reject(e))) : r;
    spyOnStatements(rx.a, countDeadlocks);
    spyOnStatements(rx.b, countDeadlocks);
    let racing = true;
    let closed = 0;
    const operator = (async () => {
      while (racing) {
        for (const x of await rx.a.alarms.list()) {
          await closeAlarm(rx.a, x.id, T0 + 1);
          closed++;
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    const [ra, rb] = await Promise.all([run(rx.a, mk(0), 9, "r1"), run(rx.b, mk(per).reverse(), 5, "r2")]).finally(() => (racing = false));
    await operator;
    expect(deadlocks).toBe(0);
    const all = [...ra, ...rb];
    expect(all.every(([, o]) => alarmsOf(o).length === 1)).toBe(true);
    // Every frame is attached to exactly the alarm its outcome names, and that alarm is its fault's.
    const alarms = await rx.b.alarms.list(true);
    const attached = new Map<string, number>();
    for (const x of alarms) for (const f of await rx.b.alarms.frames(x.id)) attached.set(`${f.panel}/${f.seq}`, x.id);
    expect(attached.size).toBe(all.length);
    for (const [f, o] of all) {
      const id = alarmsOf(o)[0]!;
      expect(attached.get(`${f.panel}/${f.seq}`)).toBe(id);
      expect(alarms.find((x) => x.id === id)).toMatchObject({ panel: f.panel, key: `130:z${1 + ((f.seq % per) % zones)}` });
    }
    const open = alarms.filter((x) => x.state !== "closed").map((x) => `${x.panel}/${x.key}`);
    expect(new Set(open).size).toBe(open.length);
    expect(alarms.length).toBe(closed + open.length);
    for (const x of alarms) expect((await rx.b.alarms.entries(x.id))[0]?.state).toBe("new");
  });

  it("a batch refused after its alarms were written rolls back whole: no frame, no alarm, no log, no last-seen", async () => {
    // The log refuses the third frame's line: the first two frames' alarms are already written by then.
    if (rx.a instanceof PgCentreStore) {
      await rx.a.db.query(`CREATE FUNCTION refuse_zone_13() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`);
      await rx.a.db.query(`CREATE TRIGGER refuse_zone_13 BEFORE INSERT ON alarm_log FOR EACH ROW WHEN (NEW.note LIKE '%zone 13 %') EXECUTE FUNCTION refuse_zone_13()`);
    } else if (rx.a instanceof SqliteCentreStore) {
      rx.a.store.db.exec(`CREATE TRIGGER refuse_zone_13 BEFORE INSERT ON alarm_log WHEN NEW.note LIKE '%zone 13 %' BEGIN SELECT RAISE(ABORT, 'refused'); END`);
    } else throw new Error(`no trigger for ${kind}`);
    const err = await rx.b.frames.store([burglary("P1", 0, 1), burglary("P2", 0, 2), burglary("P2", 1, 13)], T0, "r2").catch((e: unknown) => e);
    expect(isStoreError(err, "store-failed"), String(err)).toBe(true);
    expect(await rx.a.frames.count()).toBe(0);
    expect(await rx.a.alarms.list(true)).toEqual([]);
    expect((await rx.a.registry.panels()).map((p) => p.lastSeen)).toEqual([null, null]);
    expect((await rx.b.frames.store([burglary("P1", 0, 1)], T0, "r2")).map((o) => o.result)).toEqual(["stored"]);
  });
});

describe.runIf(STORE_KINDS.includes("postgres"))("PostgreSQL group commit: a batch's statements", () => {
  let backend: StoreBackend;
  let centre: CentreUnderTest;
  let s: PgCentreStore;
  let statements = 0;

  beforeAll(async () => {
    backend = await storeBackend("postgres");
    centre = await backend.fresh();
    s = (await centre.open()) as PgCentreStore;
    spyOnStatements(s, (r) => (statements++, r));
    for (let p = 0; p < 50; p++) await s.registry.addPanel(`P${p}`, "SP4", T0);
  }, 60_000);
  afterAll(async () => {
    await centre.close();
    await backend.teardown();
  });

  const counting = async (frames: FrameToStore[]) => {
    statements = 0;
    const out = await s.frames.store(frames, T0, "r1");
    return { statements, alarms: out.flatMap((o) => (o.result === "stored" ? o.alarms : [])).length };
  };

  it("costs the same number of statements for 1 alarm frame as for 400 raising and restoring 200 faults on 50 panels", async () => {
    const one = await counting([burglary("P0", 0, 1)]);
    const many = await counting(
      Array.from({ length: 50 }, (_, p) => Array.from({ length: 8 }, (_, i) => (i < 4 ? burglary : restore)(`P${p}`, 1 + i, 1 + (i % 4)))).flat(),
    );
    expect(one).toEqual({ statements: 5, alarms: 1 }); // BEGIN, frames, alarms, log + last-seen, COMMIT
    expect(many).toEqual({ statements: 5, alarms: 400 });
  });

  it("a batch of heartbeats or of duplicates costs no alarm statement", async () => {
    const beats = Array.from({ length: 100 }, (_, i) => frameToStore({ v: 1, panel: `P${i % 50}`, seq: 100 + i, sent: T0, heartbeat: { areas: [], troubles: [], outbox: 0 } }));
    expect(await counting(beats)).toEqual({ statements: 4, alarms: 0 }); // BEGIN, frames, last-seen, COMMIT
    expect(await counting(beats)).toEqual({ statements: 3, alarms: 0 }); // all duplicates: BEGIN, frames, COMMIT
  });

  it("telling reused seqs from duplicates costs no statement more: the frames statement returns the stored rows", async () => {
    const alarmsAt = (seq: number) => Array.from({ length: 50 }, (_, p) => burglary(`P${p}`, seq, 1));
    await counting(alarmsAt(300));
    statements = 0;
    const out = await s.frames.store(Array.from({ length: 50 }, (_, p) => burglary(`P${p}`, 300, 2)), T0, "r1");
    expect(statements).toBe(3); // BEGIN, frames, COMMIT
    expect(new Set(out.map((o) => o.result))).toEqual(new Set(["reused"]));
  });
});
