/** Calendar dates given to the services (inspections, holidays, schedule changes) must exist in the calendar. */
import { describe, expect, it } from "vitest";
import { Schedule } from "../../simulator/centre/services/arm-schedule.js";
import { IsoDate } from "../../simulator/centre/services/installation-schema.js";

describe("IsoDate", () => {
  it("takes real dates, leap days in leap years included", () => {
    for (const d of ["2026-01-01", "2026-02-28", "2028-02-29", "2000-02-29", "2026-12-31", "1900-01-01"]) expect(IsoDate.safeParse(d).success, d).toBe(true);
  });

  it("refuses days a month does not have: 30 February, 29 February of a common year, 31 April", () => {
    for (const d of ["2026-02-30", "2026-02-31", "2026-02-29", "1900-02-29", "2026-04-31", "2026-06-31"]) expect(IsoDate.safeParse(d).success, d).toBe(false);
  });

  it("refuses years before 1900 (a two-digit year would be read as 19xx) and the old shape errors", () => {
    for (const d of ["0000-02-29", "0099-01-01", "1899-12-31", "2026-13-01", "2026-1-01", "26-01-01"]) expect(IsoDate.safeParse(d).success, d).toBe(false);
  });

  it("a schedule's holidays and changes are checked the same way", () => {
    const weekly = { sun: null, mon: null, tue: null, wed: null, thu: null, fri: null, sat: null };
    expect(Schedule.safeParse({ weekly, holidays: ["2026-02-30"] }).success).toBe(false);
    expect(Schedule.safeParse({ weekly, changes: [{ date: "2026-04-31", closed: true }] }).success).toBe(false);
    expect(Schedule.safeParse({ weekly, holidays: ["2026-12-25"], changes: [{ date: "2026-12-24", closed: true }] }).success).toBe(true);
  });
});
