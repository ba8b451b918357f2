/**
 * Centre-wide timers have one owner at a time, and a dead owner is replaced within a bounded time:
 * PostgreSQL (advisory lock) at the next poll after its session ends, SQLite (lease row) once the lease
 * has expired. Fake time drives the polls; both sides of each boundary are checked.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import { LeaderElector } from "../../simulator/centre/store-pg/leader-elector.js";
import type { CentreStorePort } from "../../simulator/centre/store-pg/port.js";
import { storeBackend, type CentreUnderTest, type StoreBackend } from "../support/centre-stores.js";

const POLL = 1_000;
const TTL = 3_000;

async function step(clock: FakeClock, ms: number, ...electors: LeaderElector[]): Promise<void> {
  clock.advance(ms);
  await Promise.all(electors.map((e) => e.settled()));
}

describe("leadership on PostgreSQL: an advisory lock on a dedicated session", () => {
  let backend: StoreBackend;
  let centre: CentreUnderTest;
  let store: CentreStorePort;
  let admin: pg.Client;

  beforeAll(async () => {
    backend = await storeBackend("postgres");
    centre = await backend.fresh();
    store = await centre.open();
    admin = new pg.Client(centre.location);
    await admin.connect();
  }, 60_000);
  afterAll(async () => {
    await admin.end();
    await centre.close();
    await backend.teardown();
  });

  /** Kill a holder's session from the server side, as when its machine is lost; waits until it is gone. */
  async function terminate(holder: string, role: string): Promise<number> {
    const r = await admin.query<{ ok: boolean }>("SELECT pg_terminate_backend(pid, 5000) AS ok FROM pg_stat_activity WHERE application_name = $1", [`leader:${role}:${holder}`]);
    return r.rows.filter((x) => x.ok).length;
  }

  it("one holder at a time; when the owner's session is terminated the other takes over at its next poll, not before", async () => {
    const clock = new FakeClock();
    const seen: string[] = [];
    const r1 = new LeaderElector(store.leadership("supervision", { holder: "r1" }), clock, POLL, (l) => seen.push(`r1 ${l ? "leads" : "stands down"}`));
    const r2 = new LeaderElector(store.leadership("supervision", { holder: "r2" }), clock, POLL, (l) => seen.push(`r2 ${l ? "leads" : "stands down"}`));
    r1.start();
    await r1.settled();
    r2.start();
    await r2.settled();
    expect([r1.leader, r2.leader]).toEqual([true, false]);
    await step(clock, POLL, r1, r2);
    expect([r1.leader, r2.leader]).toEqual([true, false]);

    expect(await terminate("r1", "supervision")).toBe(1);
    await step(clock, POLL - 1, r1, r2);
    expect(r2.leader).toBe(false);
    await step(clock, 1, r1, r2);
    expect([r1.leader, r2.leader]).toEqual([false, true]);
    // Both learn it at the same tick of the poll; which one's poll returns first is not defined.
    expect([...seen].sort()).toEqual(["r1 leads", "r1 stands down", "r2 leads"]);
    // r1's process lives on: it reconnects but does not take the role back while r2 holds it.
    await step(clock, POLL, r1, r2);
    expect([r1.leader, r2.leader]).toEqual([false, true]);
    await r1.stop();
    await r2.stop();
  });

  it("a holder that stops gives the role up at once; roles are independent", async () => {
    const clock = new FakeClock();
    const a = new LeaderElector(store.leadership("gaps", { holder: "a" }), clock, POLL);
    const b = new LeaderElector(store.leadership("gaps", { holder: "b" }), clock, POLL);
    const other = new LeaderElector(store.leadership("schedules", { holder: "b" }), clock, POLL);
    a.start();
    await a.settled();
    b.start();
    other.start();
    await Promise.all([b.settled(), other.settled()]);
    expect([a.leader, b.leader, other.leader]).toEqual([true, false, true]);
    await a.stop();
    await step(clock, POLL, b, other);
    expect(b.leader).toBe(true);
    await b.stop();
    await other.stop();
  });
});

describe("leadership on SQLite: a lease row with an expiry", () => {
  let backend: StoreBackend;
  let centre: CentreUnderTest;
  let store: CentreStorePort;

  beforeAll(async () => {
    backend = await storeBackend("sqlite");
    centre = await backend.fresh();
    store = await centre.open();
  });
  afterAll(async () => {
    await centre.close();
    await backend.teardown();
  });

  it("a crashed owner's lease is taken when it expires: not at ttl - 1 ms, yes at ttl", async () => {
    const clock = new FakeClock();
    const now = () => clock.now();
    const r1 = new LeaderElector(store.leadership("supervision", { holder: "r1", ttlMs: TTL, now }), clock, POLL);
    // r2 polls on a 1 ms grid so the boundary is visible to the millisecond.
    const r2 = new LeaderElector((await centre.open()).leadership("supervision", { holder: "r2", ttlMs: TTL, now }), clock, 1);
    r1.start();
    await r1.settled();
    r2.start();
    await r2.settled();
    expect([r1.leader, r2.leader]).toEqual([true, false]);
    await step(clock, POLL, r1, r2); // r1 renews: its lease now runs to T + POLL + TTL
    const crashedAt = clock.now();
    r1.kill();
    for (let t = 0; t < TTL - 1; t += 1) await step(clock, 1, r2);
    expect(clock.now()).toBe(crashedAt + TTL - 1);
    expect(r2.leader).toBe(false);
    await step(clock, 1, r2);
    expect(r2.leader).toBe(true);
    await r2.stop();
  });

  it("a live owner keeps renewing; a stop hands over at the other's next poll", async () => {
    const clock = new FakeClock();
    const now = () => clock.now();
    const r1 = new LeaderElector(store.leadership("gaps", { holder: "r1", ttlMs: TTL, now }), clock, POLL);
    const r2 = new LeaderElector(store.leadership("gaps", { holder: "r2", ttlMs: TTL, now }), clock, POLL);
    r1.start();
    await r1.settled();
    r2.start();
    await r2.settled();
    for (let i = 0; i < 10; i++) await step(clock, POLL, r1, r2);
    expect([r1.leader, r2.leader]).toEqual([true, false]);
    await r1.stop();
    await step(clock, POLL, r2);
    expect(r2.leader).toBe(true);
    await r2.stop();
  });
});
