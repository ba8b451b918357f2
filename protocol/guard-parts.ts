/**
 * The checks the hand-written payload guards share (event-guard.ts, uplink-guard.ts, ack-guard.ts), each
 * equal in verdict to its zod counterpart in schema.ts.
 */

/** A safe integer in [min, max] (zod's `.int().min().max()`). */
export const intIn = (v: unknown, min: number, max: number): boolean => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;

/** A plain object (not null, not an array). */
export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Exactly `keys` (required) plus any of `optional`, and nothing else (zod's strictObject). */
export function hasOnly(o: Record<string, unknown>, keys: readonly string[], optional: readonly string[] = []): boolean {
  let n = 0;
  for (const k in o) {
    if (keys.includes(k)) n++;
    else if (!optional.includes(k)) return false;
  }
  return n === keys.length;
}
