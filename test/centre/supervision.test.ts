/**
 * EN 50136-1 reporting time: a silent panel is a transmission fault at exactly last-seen + its
 * category's time (fake clock: nothing at deadline - 1 ms, the fault at the deadline).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CATEGORIES, type CategoryName } from "../../protocol/supervision.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { FakeClock } from "../../protocol/clock.js";
import { Supervisor, supervisionMs, type TransmissionFault } from "../../simulator/centre/receiver/supervisor.js";
import { generateEd25519 } from "../../protocol/index.js";
import { SqliteCentreStore } from "../../simulator/centre/store-pg/sqlite-store.js";
import { heartbeatSchedule } from "../../gateway/heartbeat-schedule.js";

/** What the centre supervises: each category's primary-path reporting time. */
const SUPERVISION_MS = Object.fromEntries(Object.values(CATEGORIES).map((c) => [c.name, c.primaryMs]));

let store: CentreStore;
let clock: FakeClock;
let faults: TransmissionFault[];
let sup: Supervisor;

beforeEach(() => {
  store = CentreStore.open(":memory:");
  clock = new FakeClock();
  faults = [];
  sup = new Supervisor(SqliteCentreStore.over(store), clock, (f) => faults.push(f));
});
afterEach(() => {
  sup.stop();
  store.close();
});

/** Step fake time, then let the store calls the timers set off finish. */
async function advance(ms: number): Promise<void> {
  clock.advance(ms);
  await sup.settled();
}

async function advanceTo(t: number): Promise<void> {
  clock.advanceTo(t);
  await sup.settled();
}

/** Record traffic from a panel as a stored frame would. */
async function hear(panel: string, seq: number): Promise<void> {
  store.frames.store([{ panel, seq, kid: "k", payload: { v: 1, panel, seq, sent: clock.now(), heartbeat: { areas: [], troubles: [], outbox: 0 } }, frame: new Uint8Array([0]) }], clock.now(), "r");
  sup.traffic(panel);
  await sup.settled();
}

describe("EN 50136 supervision deadlines", () => {
  it("has the EN 50136-1 category table of reporting times", () => {
    expect(SUPERVISION_MS).toMatchObject({ SP1: 32 * 86_400_000, SP2: 25 * 3_600_000, SP3: 1_800_000, SP4: 180_000, SP5: 90_000, SP6: 20_000, DP1: 25 * 3_600_000, DP2: 1_800_000, DP3: 180_000, DP4: 90_000 });
    expect(() => supervisionMs("SP9")).toThrow(expect.objectContaining({ code: "bad-category" }));
  });

  it.each(["SP6", "SP4", "SP2", "SP1", "DP4"] as CategoryName[])("%s: not at deadline - 1 ms, a transmission fault exactly at the deadline", async (category) => {
    store.registry.addPanel("P1", category, clock.now());
    store.registry.addFrameKey("k", "P1", generateEd25519().publicPem, clock.now());
    sup.start();
    await sup.settled();
    await advance(5_000);
    await hear("P1", 0);
    const deadline = clock.now() + supervisionMs(category);
    await advanceTo(deadline - 1);
    expect(faults).toEqual([]);
    await advance(1);
    expect(faults).toHaveLength(1);
    expect(faults[0]).toMatchObject({ panel: "P1", deadline });
    const alarm = store.alarms.get(faults[0]!.alarmId);
    expect(alarm).toMatchObject({ kind: "transmission-fault", state: "new", panel: "P1" });
  });

  it("any traffic restarts the timer", async () => {
    store.registry.addPanel("P1", "SP6", clock.now());
    sup.start();
    await sup.settled();
    for (let i = 0; i < 10; i++) {
      await advance(19_999);
      await hear("P1", i);
    }
    expect(faults).toEqual([]);
    await advance(20_000);
    expect(faults).toHaveLength(1);
  });

  it.each(["SP6", "SP4", "DP4"] as CategoryName[])(
    "%s: a panel heartbeating on the gateway's schedule, each heartbeat 1 ms short of the 10 %% allowance late, is never a fault; silence after its last one is, at the deadline",
    async (category) => {
      // The gateway sends a heartbeat 90 % of the reporting time after its last frame (heartbeat-schedule.ts);
      // the centre's deadline is the full time after it *received* one. Every delay below the allowance passes.
      const every = heartbeatSchedule(category).intervalMs[0];
      const late = supervisionMs(category) - every - 1;
      expect(late).toBe(supervisionMs(category) / 10 - 1); // SP4: 17,999 ms on the way; SP6: 1,999 ms
      store.registry.addPanel("P1", category, clock.now());
      sup.start();
      await sup.settled();
      await hear("P1", 0); // received at once (the connect's hello)
      for (let i = 1; i <= 10; i++) {
        await advance(i === 1 ? every + late : every); // sent `every` after the previous one, each `late` on the way
        await hear("P1", i);
      }
      expect(faults).toEqual([]);
      await advance(supervisionMs(category) - 1);
      expect(faults).toEqual([]);
      await advance(1);
      expect(faults).toHaveLength(1);
    },
  );

  it("traffic within a period reads the store once, when the deadline falls, not once per frame", async () => {
    const port = SqliteCentreStore.over(store);
    let reads = 0;
    const read = port.registry.panel;
    port.registry.panel = (panel) => (reads++, read(panel));
    sup.stop();
    sup = new Supervisor(port, clock, (f) => faults.push(f));
    const t0 = clock.now();
    store.registry.addPanel("P1", "SP6", t0);
    sup.start();
    await sup.settled();
    for (let i = 0; i < 50; i++) {
      await advance(100);
      await hear("P1", i);
    }
    expect(reads).toBe(0);
    await advanceTo(t0 + 20_000 - 1);
    expect(reads).toBe(0);
    await advance(1); // the deadline armed at start: re-read, re-armed at the last frame's time + 20 s
    expect(reads).toBe(1);
    expect(faults).toEqual([]);
    await advanceTo(t0 + 5_000 + 20_000 - 1);
    expect(faults).toEqual([]);
    await advance(1);
    expect(faults).toHaveLength(1);
  });

  it("a panel never heard from is due one period after registration", async () => {
    store.registry.addPanel("P1", "SP5", clock.now());
    sup.start();
    await sup.settled();
    await advance(89_999);
    expect(faults).toEqual([]);
    await advance(1);
    expect(faults.map((f) => f.panel)).toEqual(["P1"]);
  });

  it("traffic heard by another receiver (same store) keeps the panel supervised", async () => {
    store.registry.addPanel("P1", "SP6", clock.now());
    sup.start();
    await sup.settled();
    await advance(10_000);
    // stored by someone else: no traffic() call on this supervisor
    store.frames.store([{ panel: "P1", seq: 0, kid: "k", payload: { v: 1, panel: "P1", seq: 0, sent: clock.now(), heartbeat: { areas: [], troubles: [], outbox: 0 } }, frame: new Uint8Array([0]) }], clock.now(), "other");
    await advance(10_000); // the original deadline
    expect(faults).toEqual([]);
    await advance(10_000); // 20 s after the other receiver's frame
    expect(faults).toHaveLength(1);
  });

  it("the fault is one open alarm however long the silence lasts, and resumed traffic joins its history", async () => {
    store.registry.addPanel("P1", "SP6", clock.now());
    sup.start();
    await sup.settled();
    for (let i = 0; i < 5; i++) await advance(20_000);
    expect(faults).toHaveLength(1);
    expect(store.alarms.list().filter((a) => a.kind === "transmission-fault")).toHaveLength(1);
    await hear("P1", 0);
    const id = faults[0]!.alarmId;
    expect(store.alarms.entries(id).map((e) => e.note)).toContain("traffic resumed");
    expect(store.alarms.frames(id).map((f) => f.seq)).toEqual([0]);
  });

  it("a retired panel (every frame key revoked, none new) is not supervised; new keys and a frame arm it again", async () => {
    const pem = generateEd25519().publicPem;
    store.registry.addPanel("P1", "SP4", clock.now());
    store.registry.addFrameKey("k1", "P1", pem, clock.now());
    store.registry.addPanel("P2", "SP4", clock.now());
    store.registry.addFrameKey("k2", "P2", pem, clock.now());
    sup.start();
    await sup.settled();
    store.registry.revoke("P1", clock.now() + 1000); // revoked after its deadline was armed
    await advance(180_000 * 3);
    expect(faults.map((f) => f.panel)).toEqual(["P2"]); // P2 still faults, and is reminded below
    expect(store.registry.panel("P1")).toMatchObject({ retired: true });
    expect(await sup.deadline("P1")).toBeUndefined();
    // Provisioned again (a stolen panel's new keys): supervised from its first frame on.
    store.registry.addFrameKey("k1b", "P1", pem, clock.now());
    expect(store.registry.panel("P1")).toMatchObject({ retired: false });
    await hear("P1", 0);
    await advance(180_000 - 1);
    expect(faults.filter((f) => f.panel === "P1")).toHaveLength(0);
    await advance(1);
    expect(faults.filter((f) => f.panel === "P1")).toHaveLength(1);
  });

  it("a restarted supervisor arms no deadline for a retired panel", async () => {
    store.registry.addPanel("P1", "SP4", clock.now());
    store.registry.addFrameKey("k1", "P1", generateEd25519().publicPem, clock.now());
    store.registry.revoke("P1", clock.now());
    sup.start();
    await sup.settled();
    await advance(180_000 * 2);
    expect(faults).toEqual([]);
  });
});
