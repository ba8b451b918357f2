/**
 * Two alarm-centre processes on one PostgreSQL database: the services' timers (here an arm/disarm closing
 * deadline) run only in the one leading the "schedules" role; when its session dies (its machine is lost),
 * the other takes the role at its next poll, not before, and judges the deadline once. Fake time drives the
 * polls and the deadline.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import { MemoryLogger } from "../../simulator/centre/logger.js";
import { TEST_SCRYPT } from "../../simulator/centre/services/secret-hash.js";
import { servicesDbOf } from "../../simulator/centre/services/services-db-of.js";
import { startServicesTimers, TIMERS_ROLE, type ServicesTimers } from "../../simulator/centre/services/services-timers.js";
import { Services } from "../../simulator/centre/services/services.js";
import { simulatedPorts } from "../../simulator/centre/services/simulated-ports.js";
import type { CentreStorePort } from "../../simulator/centre/store-pg/port.js";
import { storeBackend, type CentreUnderTest, type StoreBackend } from "../support/centre-stores.js";

/** Long polls keep the day of fake time short to walk; the takeover bound is the same at any period. */
const POLL = 60_000;
const day = { open: "08:00", close: "18:00" };

describe("the services' timers on PostgreSQL follow one leader", () => {
  let backend: StoreBackend;
  let centre: CentreUnderTest;
  let stores: CentreStorePort[];
  let admin: pg.Client;

  beforeAll(async () => {
    backend = await storeBackend("postgres");
    centre = await backend.fresh();
    stores = [await centre.open(), await centre.open()];
    admin = new pg.Client(centre.location);
    await admin.connect();
  }, 60_000);
  afterAll(async () => {
    await admin.end();
    for (const s of stores) await s.close();
    await centre.close();
    await backend.teardown();
  });

  it("the leader judges the deadline; after its session is terminated the other leads at its next poll and judges the next one, once", async () => {
    // Monday 2 March 2026 09:00 UTC; closing 18:00 Berlin (17:00 UTC) + 15 min grace.
    const clock = new FakeClock(Date.UTC(2026, 2, 2, 9));
    const log = new MemoryLogger();
    const [a, b] = await Promise.all(stores.map((s) => Services.open(servicesDbOf(s), clock, simulatedPorts(clock), { scrypt: TEST_SCRYPT })));
    const inst = await a!.installations.create("sup", { name: "Shop", address: "2 Main Street", timeZone: "Europe/Berlin" });
    await a!.installations.attachPanel("sup", inst.id, "P1");
    await a!.installations.setContacts("sup", inst.id, [{ name: "Owner", phone: "+49 5" }]);
    await a!.arm.setSchedule("sup", inst.id, { weekly: { sun: day, mon: day, tue: day, wed: day, thu: day, fri: day, sat: day }, graceMinutes: 15 });
    const timers: ServicesTimers[] = [];
    timers.push(await startServicesTimers(a!, stores[0]!, clock, log, { holder: "centre-a", everyMs: POLL }));
    timers.push(await startServicesTimers(b!, stores[1]!, clock, log, { holder: "centre-b", everyMs: POLL }));
    const [ta, tb] = timers;
    expect([ta!.elector!.leader, tb!.elector!.leader]).toEqual([true, false]);
    const settle = () => Promise.all([ta!.elector!.settled(), tb!.elector!.settled(), a!.settled(), b!.settled()]).then(() => undefined);
    const closings = async () => (await a!.desk.book.list()).filter((i) => i.cls === "arm-schedule").map((i) => i.key);

    await a!.intake.event({ panel: "P1", code: 401, qualifier: 1, area: 1, user: 2, at: clock.now() }); // disarmed, never armed again
    await clock.advanceSettling(Date.UTC(2026, 2, 2, 17, 15) - clock.now(), settle);
    expect(await closings()).toEqual(["closing:2026-03-02"]);

    // Centre A's machine is lost: the server ends its lock session.
    const killed = await admin.query<{ ok: boolean }>("SELECT pg_terminate_backend(pid, 5000) AS ok FROM pg_stat_activity WHERE application_name = $1", [`leader:${TIMERS_ROLE}:centre-a`]);
    expect(killed.rows.filter((r) => r.ok)).toHaveLength(1);
    a!.stop(); // its process is gone with it: no timer of A runs any more
    await clock.advanceSettling(POLL - 1, settle);
    expect(tb!.elector!.leader).toBe(false);
    await clock.advanceSettling(1, settle);
    expect(tb!.elector!.leader).toBe(true);
    expect(log.lines.filter((l) => l.msg === "services: timers lead").length).toBe(2);

    // Tuesday's deadline is B's: judged at it, not 1 ms before, once.
    await clock.advanceSettling(Date.UTC(2026, 2, 3, 17, 15) - 1 - clock.now(), settle);
    expect(await closings()).toEqual(["closing:2026-03-02"]);
    await clock.advanceSettling(1, settle);
    expect(await closings()).toEqual(["closing:2026-03-02", "closing:2026-03-03"]);
    const opened = await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM svc_audit WHERE action = 'incident.open'");
    expect(opened.rows[0]!.n).toBe(2);
    for (const t of timers) await t.stop();
  }, 60_000);
});
