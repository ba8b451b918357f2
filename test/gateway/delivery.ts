/** The delivery property the integration tests check: exactly once, none lost, in order within a class. */
import { expect } from "vitest";
import { eventDef, type Event } from "../../protocol/index.js";

/** `events` as stored by the centre in arrival order; `expectedAts` identifies every event by its time. */
export function checkDelivery(events: readonly (Event & { seq: number })[], expectedAts: readonly number[]): void {
  const ats = events.map((e) => e.at);
  expect(new Set(ats).size).toBe(ats.length);
  expect([...ats].sort((a, b) => a - b)).toEqual([...expectedAts].sort((a, b) => a - b));
  const byClass = new Map<number, number[]>();
  for (const e of events) {
    const p = eventDef(e.code)!.priority;
    byClass.set(p, [...(byClass.get(p) ?? []), e.seq]);
  }
  for (const seqs of byClass.values()) {
    const bad = seqs.findIndex((s, i) => i > 0 && s < seqs[i - 1]!);
    expect(bad === -1 ? [] : seqs.slice(Math.max(0, bad - 5), bad + 5)).toEqual([]);
  }
}
