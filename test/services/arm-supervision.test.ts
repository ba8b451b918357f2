/**
 * Arm/disarm supervision in the site's local time (Europe/Berlin): both sides of every deadline with fake
 * time, holidays and one-off changes, and the daylight-saving changes of 29 March and 25 October 2026.
 */
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import type { ScheduleInput } from "../../simulator/centre/services/arm-schedule.js";
import { TEST_SCRYPT } from "../../simulator/centre/services/secret-hash.js";
import { Services } from "../../simulator/centre/services/services.js";
import { simulatedPorts } from "../../simulator/centre/services/simulated-ports.js";

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((f) => f()));

const day = { open: "08:00", close: "18:00" };
const weekdays: ScheduleInput = { weekly: { sun: null, mon: day, tue: day, wed: day, thu: day, fri: day, sat: day }, graceMinutes: 15 };
const everyDay: ScheduleInput = { weekly: { sun: day, mon: day, tue: day, wed: day, thu: day, fri: day, sat: day }, graceMinutes: 15 };

function setup(start: number, schedule: ScheduleInput = weekdays) {
  const db = new Database(":memory:");
  const clock = new FakeClock(start);
  const s = new Services(db, clock, simulatedPorts(clock), { scrypt: TEST_SCRYPT });
  const inst = s.installations.create("sup", { name: "Shop", address: "2 Main Street", timeZone: "Europe/Berlin" });
  s.installations.attachPanel("sup", inst.id, "P1");
  s.installations.setContacts("sup", inst.id, [{ name: "Owner", phone: "+49 5" }]);
  s.arm.setSchedule("sup", inst.id, schedule);
  s.start();
  stops.push(() => (s.stop(), db.close()));
  const ev = (q: 1 | 3, at = clock.now()) => s.intake.event({ panel: "P1", code: 401, qualifier: q, area: 1, user: 2, at });
  const scheduleIncidents = () => s.desk.book.list().filter((i) => i.cls === "arm-schedule");
  return { s, clock, id: inst.id, ev, scheduleIncidents };
}

describe("not armed by the closing time", () => {
  // Monday 2 March 2026, winter time (UTC+1): 18:00 local = 17:00 UTC, deadline with grace 17:15 UTC.
  const deadline = Date.UTC(2026, 2, 2, 17, 15);

  it("no task 1 ms before closing + grace; a call-the-contact task at it", () => {
    const f = setup(Date.UTC(2026, 2, 2, 9));
    f.ev(1); // opened in the morning
    f.clock.advanceTo(deadline - 1);
    expect(f.scheduleIncidents()).toEqual([]);
    f.clock.advance(1);
    const [inc] = f.scheduleIncidents();
    expect(inc).toMatchObject({ key: "closing:2026-03-02", openedAt: deadline, state: "open" });
    expect(inc!.tasks.map((t) => [t.kind, t.target.name])).toEqual([["call-contact", "Owner"]]);
  });

  it("armed 1 ms before the deadline: no task", () => {
    const f = setup(Date.UTC(2026, 2, 2, 9));
    f.ev(1);
    f.clock.advanceTo(deadline - 1);
    f.ev(3);
    f.clock.advance(24 * 3_600_000);
    expect(f.scheduleIncidents()).toEqual([]);
  });

  it("a closed weekday and a holiday have no closing deadline; a one-off change moves it", () => {
    const f = setup(Date.UTC(2026, 2, 7, 12), { ...weekdays, holidays: ["2026-03-09"], changes: [{ date: "2026-03-10", open: "08:00", close: "14:00" }] });
    f.ev(1); // Saturday 7 March, disarmed and never armed again
    f.clock.advanceTo(Date.UTC(2026, 2, 7, 17, 15));
    expect(f.scheduleIncidents().map((i) => i.key)).toEqual(["closing:2026-03-07"]);
    f.clock.advanceTo(Date.UTC(2026, 2, 9, 23)); // Sunday closed, Monday a holiday
    expect(f.scheduleIncidents().map((i) => i.key)).toEqual(["closing:2026-03-07"]);
    f.clock.advanceTo(Date.UTC(2026, 2, 10, 13, 15) - 1); // 14:15 local = 13:15 UTC
    expect(f.scheduleIncidents()).toHaveLength(1);
    f.clock.advance(1);
    expect(f.scheduleIncidents().map((i) => i.key)).toEqual(["closing:2026-03-07", "closing:2026-03-10"]);
  });

  it("across the spring change (29 March): 18:15 local is 17:15 UTC on Saturday, 16:15 UTC on Sunday", () => {
    const f = setup(Date.UTC(2026, 2, 28, 9), everyDay);
    f.ev(1);
    f.clock.advanceTo(Date.UTC(2026, 2, 28, 17, 15) - 1);
    expect(f.scheduleIncidents()).toEqual([]);
    f.clock.advance(1);
    expect(f.scheduleIncidents().map((i) => i.key)).toEqual(["closing:2026-03-28"]);
    f.clock.advanceTo(Date.UTC(2026, 2, 29, 16, 15) - 1);
    expect(f.scheduleIncidents()).toHaveLength(1);
    f.clock.advance(1);
    expect(f.scheduleIncidents().map((i) => [i.key, i.openedAt])).toEqual([
      ["closing:2026-03-28", Date.UTC(2026, 2, 28, 17, 15)],
      ["closing:2026-03-29", Date.UTC(2026, 2, 29, 16, 15)],
    ]);
  });

  it("across the autumn change (25 October): the deadline is 16:15 UTC on Saturday, 17:15 UTC on Sunday", () => {
    const f = setup(Date.UTC(2026, 9, 24, 9), everyDay);
    f.ev(1);
    f.clock.advanceTo(Date.UTC(2026, 9, 24, 16, 15));
    expect(f.scheduleIncidents().map((i) => i.key)).toEqual(["closing:2026-10-24"]);
    f.clock.advanceTo(Date.UTC(2026, 9, 25, 17, 15) - 1);
    expect(f.scheduleIncidents()).toHaveLength(1);
    f.clock.advance(1);
    expect(f.scheduleIncidents().map((i) => i.key)).toEqual(["closing:2026-10-24", "closing:2026-10-25"]);
  });

  it("a deadline from before the schedule was agreed is not judged", () => {
    const f = setup(Date.UTC(2026, 2, 2, 20)); // Monday evening, after 18:15 local
    expect(f.scheduleIncidents()).toEqual([]);
  });
});

describe("disarmed outside the opening hours", () => {
  // Tuesday 3 March 2026: opening 08:00 local = 07:00 UTC; with 15 min grace, 06:45 UTC is the earliest.
  it("1 ms before open - grace is outside; at open - grace it is allowed", () => {
    const f = setup(Date.UTC(2026, 2, 3, 6));
    f.ev(1, Date.UTC(2026, 2, 3, 6, 45) - 1);
    expect(f.scheduleIncidents().map((i) => i.key)).toEqual(["opening:2026-03-03"]);
    const g = setup(Date.UTC(2026, 2, 3, 6));
    g.ev(1, Date.UTC(2026, 2, 3, 6, 45));
    expect(g.scheduleIncidents()).toEqual([]);
  });

  it("1 ms before the closing time is allowed; at the closing time it is outside", () => {
    const f = setup(Date.UTC(2026, 2, 3, 6));
    f.ev(1, Date.UTC(2026, 2, 3, 17) - 1);
    expect(f.scheduleIncidents()).toEqual([]);
    f.ev(1, Date.UTC(2026, 2, 3, 17));
    expect(f.scheduleIncidents()).toHaveLength(1);
    expect(f.scheduleIncidents()[0]!.title).toBe("disarmed outside the agreed hours by user 2");
  });

  it("any disarm on a closed day (Sunday) is outside the hours", () => {
    const f = setup(Date.UTC(2026, 2, 8, 10));
    f.ev(1);
    expect(f.scheduleIncidents().map((i) => i.key)).toEqual(["opening:2026-03-08"]);
  });

  it("a schedule with open after close is refused, naming the field", () => {
    const f = setup(Date.UTC(2026, 2, 3, 6));
    expect(() => f.s.arm.setSchedule("sup", f.id, { ...weekdays, weekly: { ...weekdays.weekly, mon: { open: "18:00", close: "08:00" } } })).toThrow(
      expect.objectContaining({ code: "bad-input", field: "schedule.weekly.mon.close" }),
    );
  });
});
