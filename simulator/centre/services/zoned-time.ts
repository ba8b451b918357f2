/**
 * Local wall time in an IANA zone, on Intl.DateTimeFormat (no library in node_modules keeps a zone
 * database). Schedules are agreed in the site's local time, so a closing time of 18:00 is 17:00 UTC in
 * Berlin's winter and 16:00 UTC in its summer, and a daylight-saving day has 23 or 25 hours.
 */
export interface LocalTime {
  /** YYYY-MM-DD */
  readonly date: string;
  /** Minutes since local midnight. */
  readonly minutes: number;
  /** 0 Sunday .. 6 Saturday */
  readonly weekday: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function format(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    formats.set(tz, f);
  }
  return f;
}

function parts(ms: number, tz: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const p = Object.fromEntries(format(tz).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { y: Number(p.year), mo: Number(p.month), d: Number(p.day), h: Number(p.hour), mi: Number(p.minute), s: Number(p.second) };
}

/** The zone's offset from UTC at instant `ms`, in ms (Berlin summer: +7,200,000). */
export function zoneOffset(ms: number, tz: string): number {
  const p = parts(ms, tz);
  const asUtc = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s);
  return asUtc - (ms - (ms % 1000 + 1000) % 1000);
}

export function toLocal(ms: number, tz: string): LocalTime {
  const p = parts(ms, tz);
  const date = `${p.y}-${String(p.mo).padStart(2, "0")}-${String(p.d).padStart(2, "0")}`;
  return { date, minutes: p.h * 60 + p.mi, weekday: new Date(Date.UTC(p.y, p.mo - 1, p.d)).getUTCDay() };
}

/**
 * The UTC instant of local `date` at `minutes` past midnight. A time skipped by the spring change
 * (02:30 in Berlin on the last Sunday of March) maps to the same distance past the change, like a wall
 * clock set forward; a time repeated in autumn maps to its first occurrence.
 */
export function fromLocal(date: string, minutes: number, tz: string): number {
  const [y, mo, d] = date.split("-").map(Number) as [number, number, number];
  const naive = Date.UTC(y, mo - 1, d, 0, minutes);
  // A zone changes its offset at most once within a day: the readings with the offsets 12 h before and
  // 12 h after cover every case.
  const before = naive - zoneOffset(naive - 12 * 3_600_000, tz);
  const after = naive - zoneOffset(naive + 12 * 3_600_000, tz);
  const valid = [before, after].filter((ms) => {
    const l = toLocal(ms, tz);
    return l.date === date && l.minutes === minutes;
  });
  if (valid.length > 0) return Math.min(...valid);
  return before; // in the spring gap: the offset before the change, as a wall clock set forward
}

/** The local calendar date `days` after `date`. */
export function addDays(date: string, days: number): string {
  const [y, mo, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, mo - 1, d + days)).toISOString().slice(0, 10);
}

export function parseHhmm(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return h * 60 + m;
}
