/** Local wall time in an IANA zone: the daylight-saving gap and overlap, both hemispheres of the Atlantic. */
import { describe, expect, it } from "vitest";
import { addDays, fromLocal, toLocal, zoneOffset } from "../../simulator/centre/services/zoned-time.js";

describe("zoned time", () => {
  it("18:00 in Berlin is 17:00 UTC in winter and 16:00 UTC in summer", () => {
    expect(fromLocal("2026-03-28", 18 * 60, "Europe/Berlin")).toBe(Date.UTC(2026, 2, 28, 17));
    expect(fromLocal("2026-03-29", 18 * 60, "Europe/Berlin")).toBe(Date.UTC(2026, 2, 29, 16));
    expect(zoneOffset(Date.UTC(2026, 6, 1), "Europe/Berlin")).toBe(2 * 3_600_000);
  });

  it("a time skipped in spring maps as a wall clock set forward (02:30 -> 03:30 local)", () => {
    const t = fromLocal("2026-03-29", 150, "Europe/Berlin");
    expect(t).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(toLocal(t, "Europe/Berlin")).toEqual({ date: "2026-03-29", minutes: 210, weekday: 0 });
    expect(fromLocal("2026-03-08", 150, "America/New_York")).toBe(Date.UTC(2026, 2, 8, 7, 30));
  });

  it("a time repeated in autumn maps to its first occurrence", () => {
    expect(fromLocal("2026-10-25", 150, "Europe/Berlin")).toBe(Date.UTC(2026, 9, 25, 0, 30));
    expect(fromLocal("2026-11-01", 90, "America/New_York")).toBe(Date.UTC(2026, 10, 1, 5, 30));
  });

  it("local date, minutes and weekday round-trip, and dates step across month ends", () => {
    const t = Date.UTC(2026, 0, 14, 23, 0);
    expect(toLocal(t, "Europe/Berlin")).toEqual({ date: "2026-01-15", minutes: 0, weekday: 4 });
    expect(fromLocal("2026-01-15", 0, "Europe/Berlin")).toBe(t);
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
  });
});
