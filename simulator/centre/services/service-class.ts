/**
 * The classes a monitoring company plans its response by, derived from the event catalogue's classes
 * (protocol/events.ts): one action plan per installation and class.
 */
import { eventDef, type EventClass } from "../../../protocol/events.js";

export const SERVICE_CLASSES = ["burglary", "hold-up", "fire", "technical", "tamper", "supervision"] as const;
export type ServiceClass = (typeof SERVICE_CLASSES)[number];

/** What a Contact ID code asks of the centre: a plan class, a test record, an arm/disarm, or nothing. */
export type EventRole = { kind: "alarm"; cls: ServiceClass } | { kind: "test" } | { kind: "open-close" } | { kind: "log" };

export function eventRole(code: number): EventRole {
  const d = eventDef(code);
  if (!d) return { kind: "log" };
  const cls: EventClass = d.cls;
  switch (cls) {
    case "alarm":
      return { kind: "alarm", cls: "burglary" };
    case "hold-up":
      return { kind: "alarm", cls: "hold-up" };
    case "fire":
      return { kind: "alarm", cls: "fire" };
    case "tamper":
      return { kind: "alarm", cls: "tamper" };
    case "trouble":
      return { kind: "alarm", cls: "technical" };
    case "test":
      return { kind: "test" };
    case "open-close":
      return { kind: "open-close" };
    case "supervisory":
      return { kind: "log" };
    default: {
      const never: never = cls;
      return never;
    }
  }
}
