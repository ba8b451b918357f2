/**
 * Arm/disarm supervision in the site's local time (Europe/Berlin): both sides of every deadline with fake
 * time, holidays and one-off changes, and the daylight-saving changes of 29 March and 25 October 2026.
 */
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import type { ScheduleInput } from "../../simulator/centre/services/arm-schedule.js";
import { TEST_SCRYPT } from "../../simulator/centre/services/secret-hash.js";
import { Services } from "../../simulator/centre/services/services.js";
import { simulatedPorts } from "../../simulator/centre/services/simulated-ports.js";
import { freshServicesDb } from "../support/services-store.js";

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of stops.splice(0)) await f();
});

const day = { open: "08:00", close: "18:00" };
const weekdays: ScheduleInput = { weekly: { sun: null, mon: day, tue: day, wed: day, thu: day, fri: day, sat: day }, graceMinutes: 15 };
const everyDay: ScheduleInput = { weekly: { sun: day, mon: day, tue: day, wed: day, thu: day, fri: day, sat: day }, graceMinutes: 15 };

async function setup(start: number, schedule: ScheduleInput = weekdays) {
  const { db, close } = await freshServicesDb();
  const clock = new FakeClock(start);
  const s = await Services.open(db, clock, simulatedPorts(clock), { scrypt: TEST_SCRYPT });
  const inst = await s.installations.create("sup", { name: "Shop", address: "2 Main Street", timeZone: "Europe/Berlin" });
  await s.installations.attachPanel("sup", inst.id, "P1");
  await s.installations.setContacts("sup", inst.id, [{ name: "Owner", phone: "+49 5" }]);
  await s.arm.setSchedule("sup", inst.id, schedule);
  await s.start();
  stops.push(async () => {
    await s.stop();
    await close();
  });
  const ev = async (q: 1 | 3, at = clock.now()) => await s.intake.event({ panel: "P1", code: 401, qualifier: q, area: 1, user: 2, at });
  const scheduleIncidents = async () => (await s.desk.book.list()).filter((i) => i.cls === "arm-schedule");
  const advance = (ms: number) => clock.advanceSettling(ms, () => s.settled());
  return { s, clock, id: inst.id, ev, scheduleIncidents, advance };
}

describe("not armed by the closing time", () => {
  // Monday 2 March 2026, winter time (UTC+1): 18:00 local = 17:00 UTC, deadline with grace 17:15 UTC.
  const deadline = Date.UTC(2026, 2, 2, 17, 15);

  it("no task 1 ms before closing + grace; a call-the-contact task at it", async () => {
    const f = await setup(Date.UTC(2026, 2, 2, 9));
    await f.ev(1); // opened in the morning
    await f.advance(deadline - 1 - f.clock.now());
    expect(await f.scheduleIncidents()).toEqual([]);
    await f.advance(1);
    const [inc] = await f.scheduleIncidents();
    expect(inc).toMatchObject({ key: "closing:2026-03-02", openedAt: deadline, state: "open" });
    expect(inc!.tasks.map((t) => [t.kind, t.target.name])).toEqual([["call-contact", "Owner"]]);
  });

  it("armed 1 ms before the deadline: no task", async () => {
    const f = await setup(Date.UTC(2026, 2, 2, 9));
    await f.ev(1);
    await f.advance(deadline - 1 - f.clock.now());
    await f.ev(3);
    await f.advance(24 * 3_600_000);
    expect(await f.scheduleIncidents()).toEqual([]);
  });

  it("a closed weekday and a holiday have no closing deadline; a one-off change moves it", async () => {
    const f = await setup(Date.UTC(2026, 2, 7, 12), { ...weekdays, holidays: ["2026-03-09"], changes: [{ date: "2026-03-10", open: "08:00", close: "14:00" }] });
    await f.ev(1); // Saturday 7 March, disarmed and never armed again
    await f.advance(Date.UTC(2026, 2, 7, 17, 15) - f.clock.now());
    expect((await f.scheduleIncidents()).map((i) => i.key)).toEqual(["closing:2026-03-07"]);
    await f.advance(Date.UTC(2026, 2, 9, 23) - f.clock.now()); // Sunday closed, Monday a holiday
    expect((await f.scheduleIncidents()).map((i) => i.key)).toEqual(["closing:2026-03-07"]);
    await f.advance(Date.UTC(2026, 2, 10, 13, 15) - 1 - f.clock.now()); // 14:15 local = 13:15 UTC
    expect(await f.scheduleIncidents()).toHaveLength(1);
    await f.advance(1);
    expect((await f.scheduleIncidents()).map((i) => i.key)).toEqual(["closing:2026-03-07", "closing:2026-03-10"]);
  });

  it("across the spring change (29 March): 18:15 local is 17:15 UTC on Saturday, 16:15 UTC on Sunday", async () => {
    const f = await setup(Date.UTC(2026, 2, 28, 9), everyDay);
    await f.ev(1);
    await f.advance(Date.UTC(2026, 2, 28, 17, 15) - 1 - f.clock.now());
    expect(await f.scheduleIncidents()).toEqual([]);
    await f.advance(1);
    expect((await f.scheduleIncidents()).map((i) => i.key)).toEqual(["closing:2026-03-28"]);
    await f.advance(Date.UTC(2026, 2, 29, 16, 15) - 1 - f.clock.now());
    expect(await f.scheduleIncidents()).toHaveLength(1);
    await f.advance(1);
    expect((await f.scheduleIncidents()).map((i) => [i.key, i.openedAt])).toEqual([
      ["closing:2026-03-28", Date.UTC(2026, 2, 28, 17, 15)],
      ["closing:2026-03-29", Date.UTC(2026, 2, 29, 16, 15)],
    ]);
  });

  it("across the autumn change (25 October): the deadline is 16:15 UTC on Saturday, 17:15 UTC on Sunday", async () => {
    const f = await setup(Date.UTC(2026, 9, 24, 9), everyDay);
    await f.ev(1);
    await f.advance(Date.UTC(2026, 9, 24, 16, 15) - f.clock.now());
    expect((await f.scheduleIncidents()).map((i) => i.key)).toEqual(["closing:2026-10-24"]);
    await f.advance(Date.UTC(2026, 9, 25, 17, 15) - 1 - f.clock.now());
    expect(await f.scheduleIncidents()).toHaveLength(1);
    await f.advance(1);
    expect((await f.scheduleIncidents()).map((i) => i.key)).toEqual(["closing:2026-10-24", "closing:2026-10-25"]);
  });

  it("a deadline from before the schedule was agreed is not judged", async () => {
    const f = await setup(Date.UTC(2026, 2, 2, 20)); // Monday evening, after 18:15 local
    expect(await f.scheduleIncidents()).toEqual([]);
  });
});

describe("disarmed outside the opening hours", () => {
  // Tuesday 3 March 2026: opening 08:00 local = 07:00 UTC; with 15 min grace, 06:45 UTC is the earliest.
  it("1 ms before open - grace is outside; at open - grace it is allowed", async () => {
    const f = await setup(Date.UTC(2026, 2, 3, 6));
    await f.ev(1, Date.UTC(2026, 2, 3, 6, 45) - 1);
    expect((await f.scheduleIncidents()).map((i) => i.key)).toEqual(["opening:2026-03-03"]);
    const g = await setup(Date.UTC(2026, 2, 3, 6));
    await g.ev(1, Date.UTC(2026, 2, 3, 6, 45));
    expect(await g.scheduleIncidents()).toEqual([]);
  });

  it("1 ms before the closing time is allowed; at the closing time it is outside", async () => {
    const f = await setup(Date.UTC(2026, 2, 3, 6));
    await f.ev(1, Date.UTC(2026, 2, 3, 17) - 1);
    expect(await f.scheduleIncidents()).toEqual([]);
    await f.ev(1, Date.UTC(2026, 2, 3, 17));
    expect(await f.scheduleIncidents()).toHaveLength(1);
    expect((await f.scheduleIncidents())[0]!.title).toBe("disarmed outside the agreed hours by user 2");
  });

  it("any disarm on a closed day (Sunday) is outside the hours", async () => {
    const f = await setup(Date.UTC(2026, 2, 8, 10));
    await f.ev(1);
    expect((await f.scheduleIncidents()).map((i) => i.key)).toEqual(["opening:2026-03-08"]);
  });

  it("a schedule with open after close is refused, naming the field", async () => {
    const f = await setup(Date.UTC(2026, 2, 3, 6));
    await expect(f.s.arm.setSchedule("sup", f.id, { ...weekdays, weekly: { ...weekdays.weekly, mon: { open: "18:00", close: "08:00" } } })).rejects.toThrow(
      expect.objectContaining({ code: "bad-input", field: "schedule.weekly.mon.close" }),
    );
  });
});
