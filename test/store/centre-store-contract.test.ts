/**
 * One contract, two stores: every case runs against the embedded SQLite store and against PostgreSQL.
 * Two connections stand for two receivers on two machines; "reopen" for a restart.
 */
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import type { UplinkPayload } from "../../protocol/index.js";
import { Priority } from "../../protocol/index.js";
import type { CentreStorePort, FrameToStore } from "../../simulator/centre/store-pg/port.js";
import { PG_SCHEMA_VERSION } from "../../simulator/centre/store-pg/pg-migrations.js";
import { SQLITE_SCHEMA_VERSION } from "../../simulator/centre/store/sqlite-migrations.js";
import { isStoreError } from "../../simulator/centre/store/store-error.js";
import { frameEvents } from "../../simulator/centre/receiver/frame-events.js";
import { STORE_KINDS, frameToStore, useTwoReceivers } from "../support/centre-stores.js";

const T0 = Date.UTC(2026, 0, 1);
const GRACE = 60_000;

const heartbeat = (panel: string, seq: number): UplinkPayload => ({ v: 1, panel, seq, sent: T0, heartbeat: { areas: [], troubles: [], outbox: 0 } });
const burglary = (panel: string, seq: number, zone: number, q: 1 | 3 = 1): UplinkPayload => ({ v: 1, panel, seq, sent: T0, events: [{ code: 130, q, area: 1, zone, at: T0 }] });
const beats = (panel: string, ...seqs: number[]) => seqs.map((s) => frameToStore(heartbeat(panel, s)));
const gapAlarm = (from: number, to: number) => ({ kind: "lost-events" as const, key: `lost-events:${from}-${to}`, title: `possible lost events ${from}-${to}`, priority: Priority.Urgent });

describe.each(STORE_KINDS)("centre store contract (%s)", (kind) => {
  const rx = useTwoReceivers(kind, { P1: "SP4", P2: "SP2" }, T0);

  it("is migrated to this build's newest schema at open", async () => {
    expect(await rx.a.schemaVersion()).toBe(kind === "postgres" ? PG_SCHEMA_VERSION : SQLITE_SCHEMA_VERSION);
    expect(rx.a.kind).toBe(kind);
  });

  describe("no frame handled twice: UNIQUE (panel, seq)", () => {
    it("a frame stored through one receiver is a duplicate through another, and after a restart", async () => {
      expect((await rx.a.frames.store(beats("P1", 0, 1), T0, "r1")).map((o) => o.result)).toEqual(["stored", "stored"]);
      expect((await rx.b.frames.store(beats("P1", 1, 2), T0 + 1, "r2")).map((o) => o.result)).toEqual(["duplicate", "stored"]);
      await Promise.all([rx.a.close(), rx.b.close()]);
      const c = await rx.centre().open();
      expect((await c.frames.store(beats("P1", 0, 2, 3), T0 + 2, "r3")).map((o) => o.result)).toEqual(["duplicate", "duplicate", "stored"]);
      expect(await c.frames.count("P1")).toBe(4);
      expect(await c.frames.has("P1", 3)).toBe(true);
      expect(await c.frames.has("P1", 4)).toBe(false);
    });

    it("racing receivers: each (panel, seq) is stored by exactly one of them", async () => {
      // P2's frames are burglaries in 5 zones: the alarms they raise race too.
      const all = [...beats("P1", ...Array.from({ length: 60 }, (_, i) => i)), ...Array.from({ length: 60 }, (_, i) => frameToStore(burglary("P2", i, 1 + (i % 5))))];
      // Both receivers get every frame (a QoS 1 redelivery storm), in different orders and batch sizes.
      const mine = (s: CentreStorePort, frames: FrameToStore[], size: number, name: string) =>
        (async () => {
          const outcomes = [];
          for (let i = 0; i < frames.length; i += size) outcomes.push(...(await s.frames.store(frames.slice(i, i + size), T0, name)));
          return outcomes;
        })();
      const [ra, rb] = await Promise.all([mine(rx.a, all, 16, "r1"), mine(rx.b, [...all].reverse(), 7, "r2")]);
      const storedA = ra.filter((o) => o.result === "stored").length;
      const storedB = rb.filter((o) => o.result === "stored").length;
      expect(storedA + storedB).toBe(all.length);
      expect(await rx.a.frames.count()).toBe(all.length);
      const alarms = await rx.b.alarms.list();
      expect(alarms.map((x) => x.key).sort()).toEqual(["130:z1", "130:z2", "130:z3", "130:z4", "130:z5"]);
      const attached = await Promise.all(alarms.map((x) => rx.a.alarms.frames(x.id)));
      expect(attached.map((f) => f.length)).toEqual([12, 12, 12, 12, 12]);
    });
  });

  it("for any deliveries split over two receivers in any batches, each (panel, seq) is stored exactly once", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean()), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 12 }),
        async (deliveries, batchSize) => {
          const panel = `Q${run++}`;
          await rx.a.registry.addPanel(panel, "SP4", T0);
          const stored = new Map<number, number>();
          const batches: [number, boolean][][] = [];
          for (let i = 0; i < deliveries.length; i += batchSize) batches.push(deliveries.slice(i, i + batchSize));
          // Each batch goes to the receiver its first delivery names; the two receivers run concurrently.
          const run1 = async (mine: boolean) => {
            for (const batch of batches.filter((x) => x[0]![1] === mine)) {
              const out = await (mine ? rx.a : rx.b).frames.store(batch.map(([seq]) => frameToStore(heartbeat(panel, seq))), T0, mine ? "r1" : "r2");
              out.forEach((o, i) => o.result === "stored" && stored.set(batch[i]![0], (stored.get(batch[i]![0]) ?? 0) + 1));
            }
          };
          await Promise.all([run1(true), run1(false)]);
          const distinct = new Set(deliveries.map(([seq]) => seq));
          expect([...stored.keys()].sort((x, y) => x - y)).toEqual([...distinct].sort((x, y) => x - y));
          expect([...stored.values()].every((n) => n === 1)).toBe(true);
          expect(await rx.b.frames.count(panel)).toBe(distinct.size);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("a closed store answers every call with store-unavailable, never an untyped error", async () => {
    await rx.b.close();
    await expect(rx.b.frames.store(beats("P1", 0), T0, "r2")).rejects.toMatchObject({ name: "StoreError", code: "store-unavailable" });
    await expect(rx.b.registry.panels()).rejects.toMatchObject({ code: "store-unavailable" });
    await expect(rx.b.alarms.transition(1, "take", "op1", T0, null)).rejects.toMatchObject({ code: "store-unavailable" });
    expect((await rx.a.frames.store(beats("P1", 0), T0, "r1")).map((o) => o.result)).toEqual(["stored"]);
  });

  describe("group commit", () => {
    it("gives one outcome per frame in input order; a second copy in the same batch is a duplicate", async () => {
      const out = await rx.a.frames.store([frameToStore(burglary("P1", 5, 3)), ...beats("P2", 0), frameToStore(burglary("P1", 5, 3)), ...beats("P1", 4)], T0, "r1");
      expect(out.map((o) => o.result)).toEqual(["stored", "stored", "duplicate", "stored"]);
      const ids = out.flatMap((o) => (o.result === "stored" ? [o.frameId] : []));
      expect(new Set(ids).size).toBe(3);
      const first = out[0]!;
      if (first.result !== "stored") throw new Error("expected stored");
      expect(first.alarms).toHaveLength(1);
      expect(out[1]).toMatchObject({ result: "stored", alarms: [] });
    });

    it("stores the frame's evidence and payload, and the panels' last-seen time, in the same commit", async () => {
      await rx.a.frames.store([frameToStore(burglary("P1", 0, 2))], T0 + 500, "r1");
      expect((await rx.b.registry.panel("P1"))?.lastSeen).toBe(T0 + 500);
      const [alarm] = await rx.b.alarms.list();
      const frames = await rx.b.alarms.frames(alarm!.id);
      expect(frames).toEqual([{ panel: "P1", seq: 0, receivedAt: T0 + 500, payload: burglary("P1", 0, 2) }]);
    });

    it("a refused frame rolls back the whole batch: no frame, no alarm, no last-seen", async () => {
      // A payload that cannot be serialised, after a frame that raised an alarm in the same batch.
      const beat = heartbeat("P1", 9);
      const bad = frameToStore({ ...beat, heartbeat: { areas: [], troubles: [], outbox: 1n as unknown as number } });
      const err = await rx.a.frames.store([frameToStore(burglary("P1", 8, 1)), bad], T0, "r1").catch((e: unknown) => e);
      expect(isStoreError(err, "store-failed"), String(err)).toBe(true);
      expect(await rx.b.frames.count()).toBe(0);
      expect(await rx.b.alarms.list(true)).toEqual([]);
      expect((await rx.b.registry.panel("P1"))?.lastSeen).toBeNull();
      // The same frames, fixed, are new: nothing of the failed batch was kept.
      expect((await rx.b.frames.store([frameToStore(burglary("P1", 8, 1)), frameToStore(heartbeat("P1", 9))], T0, "r2")).map((o) => o.result)).toEqual(["stored", "stored"]);
    });
  });

  describe("batch frames: one row per event seq (receiver/frame-events.ts)", () => {
    const zones = (seqs: number[], zone0 = 1) => seqs.map((_, i) => ({ code: 130, q: 1 as const, area: 1, zone: zone0 + i, at: T0 }));
    const batchRows = (seqs: number[], zone0 = 1, evidence = 7) =>
      frameEvents("P1", "k1", { v: 1, panel: "P1", seq: seqs[0]!, sent: T0, events: zones(seqs, zone0), seqs }, new Uint8Array([9, evidence]));

    it("a regrouped resend through another receiver stores only the events not stored yet, and alarms only for them", async () => {
      const first = await rx.a.frames.store(batchRows([10, 11]), T0, "r1");
      expect(first.map((o) => o.result)).toEqual(["stored", "stored"]);
      const again = await rx.b.frames.store(batchRows([10, 11, 12, 13], 1, 8), T0 + 1, "r2");
      expect(again.map((o) => o.result)).toEqual(["duplicate", "duplicate", "stored", "stored"]);
      expect(again.flatMap((o) => (o.result === "stored" ? o.alarms : []))).toHaveLength(2);
      expect(await rx.a.frames.count("P1")).toBe(4);
      expect((await rx.a.alarms.list()).map((x) => x.title).sort()).toEqual(["burglary zone 1 area 1", "burglary zone 2 area 1", "burglary zone 3 area 1", "burglary zone 4 area 1"]);
    });

    it("each event's row keeps its own seq and one-event payload; its alarm links that row", async () => {
      await rx.a.frames.store(batchRows([20, 22]), T0 + 5, "r1");
      const alarms = await rx.b.alarms.list();
      const linked = await Promise.all(alarms.map((x) => rx.b.alarms.frames(x.id)));
      expect(linked.flat().map((f) => [f.seq, f.payload]).sort()).toEqual([
        [20, { v: 1, panel: "P1", seq: 20, sent: T0, events: zones([20]) }],
        [22, { v: 1, panel: "P1", seq: 22, sent: T0, events: zones([22], 2) }],
      ]);
    });

    it("a hole between a batch's seqs is a gap like any other", async () => {
      await rx.a.frames.store(batchRows([0, 1, 3]), T0, "r1");
      expect((await rx.a.frames.checkGaps("P1", T0 + GRACE, GRACE, gapAlarm)).map((g) => [g.from, g.to])).toEqual([[2, 2]]);
    });
  });

  describe("open-alarm index: one fault, one alarm", () => {
    it("the same zone reported through two receivers joins one open alarm; its restore joins it too", async () => {
      const [x] = await rx.a.frames.store([frameToStore(burglary("P1", 0, 3))], T0, "r1");
      const [y] = await rx.b.frames.store([frameToStore(burglary("P1", 1, 3))], T0 + 1, "r2");
      const [z] = await rx.b.frames.store([frameToStore(burglary("P1", 2, 3, 3))], T0 + 2, "r2");
      const ids = [x, y, z].map((o) => (o?.result === "stored" ? o.alarms[0] : undefined));
      expect(new Set(ids).size).toBe(1);
      expect((await rx.a.alarms.frames(ids[0]!)).map((f) => f.seq)).toEqual([0, 1, 2]);
      expect(await rx.a.alarms.list()).toHaveLength(1);
    });

    it("racing raises of one fault make one alarm, created once; after it is closed the next raise opens a new one", async () => {
      const r = { panel: "P1", kind: "transmission-fault" as const, key: "transmission-fault", title: "silent", priority: Priority.Urgent, at: T0 };
      const results = await Promise.all([rx.a.alarms.raise(r), rx.b.alarms.raise(r), rx.a.alarms.raise(r), rx.b.alarms.raise(r)]);
      expect(new Set(results.map((x) => x.id)).size).toBe(1);
      expect(results.filter((x) => x.created)).toHaveLength(1);
      const id = results[0]!.id;
      for (const step of ["take", "handle", "close"] as const) await rx.a.alarms.transition(id, step, "op1", T0 + 1, null);
      const again = await rx.b.alarms.raise({ ...r, at: T0 + 2 });
      expect(again.created).toBe(true);
      expect(again.id).not.toBe(id);
    });

    it("traffic after a transmission fault joins the open fault", async () => {
      const { id } = await rx.a.alarms.raise({ panel: "P2", kind: "transmission-fault", key: "transmission-fault", title: "silent", priority: Priority.Urgent, at: T0 });
      await rx.b.frames.store(beats("P2", 0), T0 + 10, "r2");
      expect((await rx.a.alarms.entries(id)).map((e) => e.note)).toEqual([null, "traffic resumed"]);
      expect((await rx.a.alarms.frames(id)).map((f) => f.seq)).toEqual([0]);
    });
  });

  describe("gap detection reads", () => {
    it("a gap is found once the grace period has passed: not at grace - 1 ms, yes at grace; then never again", async () => {
      await rx.a.frames.store(beats("P1", 0, 1, 2, 5, 6), T0, "r1");
      expect(await rx.a.frames.checkGaps("P1", T0 + GRACE - 1, GRACE, gapAlarm)).toEqual([]);
      const found = await rx.b.frames.checkGaps("P1", T0 + GRACE, GRACE, gapAlarm);
      expect(found).toEqual([{ panel: "P1", from: 3, to: 4, alarmId: expect.any(Number) }]);
      expect(await rx.a.alarms.get(found[0]!.alarmId)).toMatchObject({ kind: "lost-events", key: "lost-events:3-4", state: "new" });
      expect(await rx.a.frames.checkGaps("P1", T0 + 2 * GRACE, GRACE, gapAlarm)).toEqual([]);
    });

    it("two receivers checking at once report each gap once", async () => {
      await rx.a.frames.store(beats("P1", 0, 3, 7), T0, "r1");
      const [x, y] = await Promise.all([rx.a.frames.checkGaps("P1", T0 + GRACE, GRACE, gapAlarm), rx.b.frames.checkGaps("P1", T0 + GRACE, GRACE, gapAlarm)]);
      expect([...x!, ...y!].map((g) => [g.from, g.to])).toEqual([
        [1, 2],
        [4, 6],
      ]);
    });

    it("the next re-check is due at the oldest arrival not yet settled", async () => {
      await rx.a.frames.store(beats("P1", 0), T0, "r1");
      await rx.a.frames.store(beats("P1", 2), T0 + 10_000, "r1");
      expect(await rx.b.frames.oldestArrivalAfter("P1", T0 - 1)).toBe(T0);
      expect(await rx.b.frames.oldestArrivalAfter("P1", T0)).toBe(T0 + 10_000);
      expect(await rx.b.frames.oldestArrivalAfter("P1", T0 + 10_000)).toBeUndefined();
    });
  });

  describe("supervision deadline reads", () => {
    it("a panel never heard from counts from its registration; traffic moves last-seen forward only", async () => {
      expect(await rx.a.registry.panel("P1")).toMatchObject({ category: "SP4", createdAt: T0, lastSeen: null });
      await rx.a.frames.store(beats("P1", 0), T0 + 5_000, "r1");
      await rx.b.frames.store(beats("P1", 1), T0 + 4_000, "r2"); // a slower receiver's older batch
      expect((await rx.b.registry.panel("P1"))?.lastSeen).toBe(T0 + 5_000);
      expect((await rx.b.registry.panels()).map((p) => p.panel)).toEqual(["P1", "P2"]);
      expect(await rx.b.registry.panel("nope")).toBeUndefined();
    });

    it("a status report never overwrites a newer one", async () => {
      await rx.a.registry.setStatus("P1", "online", T0 + 10);
      await rx.b.registry.setStatus("P1", "offline", T0 + 5);
      expect(await rx.a.registry.panel("P1")).toMatchObject({ status: "online", statusAt: T0 + 10 });
    });

    it("registering a panel twice is refused", async () => {
      await expect(rx.b.registry.addPanel("P1", "SP4", T0)).rejects.toMatchObject({ code: "already-exists" });
    });
  });

  describe("operator queue transitions", () => {
    let id: number;
    beforeEach(async () => {
      const [o] = await rx.a.frames.store([frameToStore(burglary("P1", 0, 1))], T0, "r1");
      id = o?.result === "stored" ? o.alarms[0]! : -1;
    });

    it("two operators cannot take one alarm: exactly one wins, the other gets bad-transition", async () => {
      const results = await Promise.allSettled([rx.a.alarms.transition(id, "take", "op1", T0 + 1, null), rx.b.alarms.transition(id, "take", "op2", T0 + 1, null)]);
      const won = results.filter((r) => r.status === "fulfilled");
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(won).toHaveLength(1);
      expect(lost.map((r) => (r.reason as { code: string }).code)).toEqual(["bad-transition"]);
    });

    it("only the owner handles, releases and closes; every step is in the history", async () => {
      await rx.a.alarms.transition(id, "take", "op1", T0 + 1, "on it");
      await expect(rx.b.alarms.transition(id, "handle", "op2", T0 + 2, null)).rejects.toMatchObject({ code: "not-owner" });
      expect(await rx.b.alarms.transition(id, "release", "op1", T0 + 3, null)).toMatchObject({ state: "new", operator: null });
      await rx.b.alarms.transition(id, "take", "op2", T0 + 4, null);
      await rx.a.alarms.transition(id, "handle", "op2", T0 + 5, "police called");
      expect(await rx.a.alarms.transition(id, "close", "op2", T0 + 6, null)).toMatchObject({ state: "closed", operator: "op2", updatedAt: T0 + 6 });
      await expect(rx.a.alarms.transition(id, "take", "op1", T0 + 7, null)).rejects.toMatchObject({ code: "bad-transition" });
      expect((await rx.b.alarms.entries(id)).map((e) => [e.state, e.operator])).toEqual([
        ["new", null],
        ["taken", "op1"],
        ["new", null],
        ["taken", "op2"],
        ["handled", "op2"],
        ["closed", "op2"],
      ]);
      expect(await rx.a.alarms.list()).toEqual([]);
      expect(await rx.a.alarms.list(true)).toHaveLength(1);
    });

    it("a refused step writes nothing; an unknown alarm is unknown-alarm", async () => {
      const before = await rx.a.alarms.entries(id);
      await expect(rx.a.alarms.transition(id, "close", "op1", T0 + 1, null)).rejects.toMatchObject({ code: "not-owner" });
      expect(await rx.a.alarms.entries(id)).toEqual(before);
      await expect(rx.a.alarms.transition(999_999, "take", "op1", T0, null)).rejects.toMatchObject({ code: "unknown-alarm" });
      await expect(rx.a.alarms.get(999_999)).rejects.toMatchObject({ code: "unknown-alarm" });
    });

    it("the queue is most urgent first, then oldest first", async () => {
      // The burglary (Priority.Alarm) came first at T0; two urgent ones later, the younger raised first.
      const late = await rx.a.alarms.raise({ panel: "P2", kind: "event", key: "x", title: "later", priority: Priority.Urgent, at: T0 + 2 });
      const early = await rx.b.alarms.raise({ panel: "P2", kind: "transmission-fault", key: "transmission-fault", title: "silent", priority: Priority.Urgent, at: T0 + 1 });
      expect((await rx.b.alarms.list()).map((x) => x.id)).toEqual([id, early.id, late.id]);
    });
  });

  describe("keys", () => {
    it("a frame key is found by kid until it is revoked", async () => {
      const pem = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n";
      await rx.a.registry.addFrameKey("kid-1", "P1", pem, T0);
      expect(await rx.b.registry.frameKey("kid-1")).toEqual({ panel: "P1", publicPem: pem });
      expect(await rx.b.registry.revoke("P1", T0 + 1)).toEqual({ certificates: 0, keys: 1 });
      expect(await rx.a.registry.frameKey("kid-1")).toBeUndefined();
    });
  });
});
