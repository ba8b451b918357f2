/**
 * A lost PostgreSQL server: every call is a StoreError `store-unavailable` (the receiver keeps the
 * frames un-ACKed), nothing of a failed batch is written, the leader stands down, and the same store
 * object works again once the server is back, without being reopened.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import type { UplinkPayload } from "../../protocol/index.js";
import { LeaderElector } from "../../simulator/centre/store-pg/leader-elector.js";
import { PgCentreStore } from "../../simulator/centre/store-pg/pg-store.js";
import type { CentreStorePort } from "../../simulator/centre/store-pg/port.js";
import { storeBackend, type CentreUnderTest, type StoreBackend } from "../support/centre-stores.js";

const T0 = Date.UTC(2026, 0, 1);
const burglary = (seq: number): UplinkPayload => ({ v: 1, panel: "P1", seq, sent: T0, events: [{ code: 130, q: 1, area: 1, zone: 1, at: T0 }] });
const frame = (seq: number) => ({ panel: "P1", seq, kid: "k", payload: burglary(seq), frame: new Uint8Array([seq]) });

describe("PostgreSQL lost and back", () => {
  let backend: StoreBackend;
  let centre: CentreUnderTest;
  let store: CentreStorePort;

  beforeAll(async () => {
    backend = await storeBackend("postgres");
    centre = await backend.fresh();
    store = await centre.open({ connectTimeoutMs: 2000 });
    await store.registry.addPanel("P1", "SP4", T0);
  }, 60_000);
  afterAll(async () => {
    await centre.close();
    await backend.teardown();
  });

  it("store-unavailable while the server is down, nothing half-written, and the store recovers by itself", async () => {
    const pgServer = backend.postgres!;
    const clock = new FakeClock();
    const leader = new LeaderElector(store.leadership("supervision", { holder: "r1" }), clock, 1_000);
    leader.start();
    await leader.settled();
    expect(leader.leader).toBe(true);
    const [stored] = await store.frames.store([frame(0)], T0, "r1");
    const alarmId = stored?.result === "stored" ? stored.alarms[0]! : -1;

    await pgServer.stop();
    await expect(store.frames.store([frame(1), frame(2)], T0 + 1, "r1")).rejects.toMatchObject({ name: "StoreError", code: "store-unavailable" });
    await expect(store.alarms.transition(alarmId, "take", "op1", T0 + 2, null)).rejects.toMatchObject({ code: "store-unavailable" });
    await expect(store.registry.panels()).rejects.toMatchObject({ code: "store-unavailable" });
    await expect(PgCentreStore.open(centre.location, { connectTimeoutMs: 2000 })).rejects.toMatchObject({ code: "store-unavailable" });
    clock.advance(1_000);
    await leader.settled();
    expect(leader.leader).toBe(false); // a leader that cannot see the database stands down

    await pgServer.start();
    // The batch that failed was never written: retried, every frame is new.
    expect((await store.frames.store([frame(1), frame(2)], T0 + 3, "r1")).map((o) => o.result)).toEqual(["stored", "stored"]);
    expect(await store.frames.count("P1")).toBe(3);
    expect(await store.alarms.transition(alarmId, "take", "op1", T0 + 4, null)).toMatchObject({ state: "taken" });
    clock.advance(1_000);
    await leader.settled();
    expect(leader.leader).toBe(true);
    await leader.stop();
  });

  it("a connection cut in the middle of a batch: store-unavailable, and nothing of the batch is written", async () => {
    await store.registry.addPanel("P9", "SP4", T0);
    const admin = new pg.Client(centre.location);
    await admin.connect();
    // Hold P9's row so the batch stops midway: its frames and alarm inserted, the panel update waiting.
    await admin.query("BEGIN");
    await admin.query("SELECT 1 FROM panels WHERE panel = 'P9' FOR UPDATE");
    const nine = (seq: number) => ({ ...frame(seq), panel: "P9", payload: { ...burglary(seq), panel: "P9" } });
    const pending = store.frames.store([nine(0), nine(1)], T0, "r1").catch((e: unknown) => e);
    let waiting: number[] = [];
    while (waiting.length === 0) {
      waiting = (await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()")).rows.map((r) => r.pid);
    }
    await admin.query("SELECT pg_terminate_backend($1, 5000)", [waiting[0]]);
    expect(await pending).toMatchObject({ name: "StoreError", code: "store-unavailable" });
    await admin.query("ROLLBACK");
    await admin.end();
    expect(await store.frames.count("P9")).toBe(0);
    expect((await store.alarms.list()).filter((x) => x.panel === "P9")).toEqual([]);
    expect((await store.frames.store([nine(0), nine(1)], T0 + 1, "r1")).map((o) => o.result)).toEqual(["stored", "stored"]);
  });

  it("a restart (stop and start) in the middle of a receiver's life is one failed call at most", async () => {
    await backend.postgres!.restart();
    const first = await store.frames.count().catch((e: { code: string }) => e.code);
    expect([5, "store-unavailable"]).toContain(first);
    expect(await store.frames.count()).toBe(5);
  });
});
