/**
 * The outbox overflow rule. The outbox is bounded (items and bytes); when an item does not fit, the
 * oldest item of the lowest class present goes first, so an alarm is never dropped while any
 * lower-class item remains: when the path cannot keep up, alarms keep precedence over lower classes
 * (Contact ID event classes, protocol/events.ts). The incoming item takes part: when it is of a
 * lower class than everything stored, it is the one dropped (its sequence number is still consumed,
 * never reused). Each overflow episode queues one 354 "failure to communicate", so the centre learns
 * that events were lost (the gap in the sequence numbers says which).
 */
import { Cid, Priority, Qualifier, type Event } from "../protocol/index.js";

export interface OutboxLimits {
  readonly maxItems: number;
  readonly maxBytes: number;
}

export const DEFAULT_LIMITS: OutboxLimits = { maxItems: 100_000, maxBytes: 64 * 1024 * 1024 };

/** Delivery order of the classes, highest first. */
export const CLASSES = [Priority.Alarm, Priority.Urgent, Priority.OpenClose, Priority.Routine] as const;

/** What to do before storing an item: nothing, drop the incoming one, or drop the oldest of class `prio`. */
export type Eviction = { readonly kind: "fits" } | { readonly kind: "drop-incoming" } | { readonly kind: "drop-oldest"; readonly prio: Priority };

/**
 * One step of the rule: `counts` per class and `totalBytes` are what is stored now, `incoming` the item
 * to store. Called again after each drop until the item fits (or is itself dropped).
 */
export function nextEviction(counts: readonly number[], totalBytes: number, limits: OutboxLimits, incoming: { readonly prio: Priority; readonly bytes: number }): Eviction {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total + 1 <= limits.maxItems && totalBytes + incoming.bytes <= limits.maxBytes) return { kind: "fits" };
  const lowest = lowestClassPresent(counts);
  if (lowest === undefined || incoming.prio > lowest) return { kind: "drop-incoming" };
  return { kind: "drop-oldest", prio: lowest };
}

export function lowestClassPresent(counts: readonly number[]): Priority | undefined {
  for (let i = CLASSES.length - 1; i >= 0; i--) if ((counts[CLASSES[i]!] ?? 0) > 0) return CLASSES[i];
  return undefined;
}

/** The 354 that reports an overflow episode (Event has no field for the count of items lost). */
export function overflowEvent(at: number): Event {
  return { code: Cid.FailureToCommunicate, q: Qualifier.New, area: 0, at };
}

/** Limits that cannot work (fewer than two items, under 1 KiB) are a configuration error. */
export function limitsUsable(limits: OutboxLimits): boolean {
  return limits.maxItems >= 2 && limits.maxBytes >= 1024;
}
