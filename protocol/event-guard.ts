/**
 * A hand-written test that a value is an Event, equal in verdict to the zod schema (schema.ts `Event`; a
 * property test holds the two together) at a tenth of its cost. It runs on every outbox row the gateway's
 * send window peeks, and on every event of every uplink frame the centre opens (uplink-guard.ts). Only a
 * value it refuses goes through zod, for the message.
 */
import { QUALIFIERS, eventDef } from "./events.js";
import { intIn, isRecord } from "./guard-parts.js";
import type { Event } from "./schema.js";

const KEYS = new Set(["code", "q", "area", "zone", "user", "at"]);
const QS = new Set<unknown>(QUALIFIERS);

export function isEvent(v: unknown): v is Event {
  if (!isRecord(v)) return false;
  for (const k in v) if (!KEYS.has(k)) return false;
  const { code, q, area, zone, user, at } = v;
  if (!Number.isSafeInteger(code) || !QS.has(q) || !intIn(area, 0, 255) || !intIn(at, 0, Number.MAX_SAFE_INTEGER)) return false;
  if (zone !== undefined && !intIn(zone, 0, 999)) return false;
  if (user !== undefined && !intIn(user, 0, 999)) return false;
  const d = eventDef(code as number);
  if (!d) return false;
  return (d.number === "zone") === (zone !== undefined) && (d.number === "user") === (user !== undefined);
}
