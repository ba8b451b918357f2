/**
 * The agreed opening and closing schedule, in the site's local time, and its two rules (pure):
 * - not armed by the closing time + grace: the day's closing deadline has passed unarmed;
 * - disarmed outside the opening hours: an opening before open - grace, or at/after the closing time,
 *   or on a closed day (holiday, closed weekday, one-off closure).
 * A one-off change for a date wins over a holiday, which wins over the weekly hours. Hours run within one
 * local day (open < close); a site open across midnight is not covered.
 */
import { z } from "zod";
import { Hhmm, IsoDate } from "./installation-schema.js";
import { fromLocal, parseHhmm, toLocal } from "./zoned-time.js";

const Hours = z.strictObject({ open: Hhmm, close: Hhmm }).refine((h) => parseHhmm(h.open) < parseHhmm(h.close), { message: "open must be before close", path: ["close"] });
const Change = z.union([z.strictObject({ date: IsoDate, closed: z.literal(true) }), z.strictObject({ date: IsoDate, open: Hhmm, close: Hhmm })]);

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

export const Schedule = z.strictObject({
  /** Per weekday the opening hours, null when closed all day. */
  weekly: z.strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, Hours.nullable()])) as Record<(typeof WEEKDAYS)[number], z.ZodNullable<typeof Hours>>),
  holidays: z.array(IsoDate).max(366).default([]),
  changes: z.array(Change).max(366).default([]),
  /** Minutes the customer may be early to open or late to arm. */
  graceMinutes: z.int().min(0).max(240).default(15),
});
export type Schedule = z.infer<typeof Schedule>;
export type ScheduleInput = z.input<typeof Schedule>;

export interface DayHours {
  /** Minutes since local midnight. */
  readonly open: number;
  readonly close: number;
}

export function hoursOn(s: Schedule, date: string): DayHours | null {
  const change = s.changes.find((c) => c.date === date);
  if (change) return "closed" in change ? null : { open: parseHhmm(change.open), close: parseHhmm(change.close) };
  if (s.holidays.includes(date)) return null;
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const h = s.weekly[WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]!];
  return h ? { open: parseHhmm(h.open), close: parseHhmm(h.close) } : null;
}

/** The UTC instant by which the site must be armed on local `date`: close + grace; null on a closed day. */
export function closeDeadline(s: Schedule, date: string, tz: string): number | null {
  const h = hoursOn(s, date);
  return h ? fromLocal(date, h.close, tz) + s.graceMinutes * 60_000 : null;
}

/** Whether disarming at `at` is within the agreed hours: [open - grace, close) of that local day. */
export function openingAllowed(s: Schedule, at: number, tz: string): boolean {
  const { date } = toLocal(at, tz);
  const h = hoursOn(s, date);
  if (!h) return false;
  return at >= fromLocal(date, h.open, tz) - s.graceMinutes * 60_000 && at < fromLocal(date, h.close, tz);
}
