/**
 * A hand-written test that a value is an Event, equal in verdict to the zod schema (schema.ts `Event`; a
 * property test holds the two together) at a tenth of its cost. It runs on every outbox row the gateway's
 * send window peeks, and on every event of every uplink frame the centre opens (uplink-guard.ts). Only a
 * value it refuses goes through zod, for the message.
 */
import { QUALIFIERS, eventDef } from "./events.js";
import type { Event } from "./schema.js";

const KEYS = new Set(["code", "q", "area", "zone", "user", "at"]);
const QS = new Set<unknown>(QUALIFIERS);

export const intIn = (v: unknown, min: number, max: number): boolean => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;

export function isEvent(v: unknown): v is Event {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  for (const k in o) if (!KEYS.has(k)) return false;
  const { code, q, area, zone, user, at } = o;
  if (!Number.isSafeInteger(code) || !QS.has(q) || !intIn(area, 0, 255) || !intIn(at, 0, Number.MAX_SAFE_INTEGER)) return false;
  if (zone !== undefined && !intIn(zone, 0, 999)) return false;
  if (user !== undefined && !intIn(user, 0, 999)) return false;
  const d = eventDef(code as number);
  if (!d) return false;
  return (d.number === "zone") === (zone !== undefined) && (d.number === "user") === (user !== undefined);
}
