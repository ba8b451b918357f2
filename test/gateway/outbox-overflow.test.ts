import { describe, expect, it } from "vitest";
import { Cid, Priority, Qualifier } from "../../protocol/index.js";
import { limitsUsable, lowestClassPresent, nextEviction, overflowEvent } from "../../gateway/outbox-overflow.js";

const limits = { maxItems: 4, maxBytes: 1000 };

describe("outbox overflow rule: drop the oldest of the lowest class present, the incoming item included", () => {
  it("fits at maxItems - 1 stored; the limit is reached at maxItems", () => {
    expect(nextEviction([1, 1, 1, 0], 300, limits, { prio: Priority.Alarm, bytes: 100 })).toEqual({ kind: "fits" });
    expect(nextEviction([1, 1, 1, 1], 300, limits, { prio: Priority.Alarm, bytes: 100 })).toEqual({ kind: "drop-oldest", prio: Priority.Routine });
  });

  it("fits at exactly maxBytes, not one byte over", () => {
    expect(nextEviction([1, 0, 0, 0], 900, limits, { prio: Priority.Alarm, bytes: 100 })).toEqual({ kind: "fits" });
    expect(nextEviction([1, 0, 0, 1], 900, limits, { prio: Priority.Alarm, bytes: 101 })).toEqual({ kind: "drop-oldest", prio: Priority.Routine });
  });

  it("an alarm is dropped only when nothing of a lower class is left", () => {
    expect(nextEviction([3, 0, 1, 0], 0, limits, { prio: Priority.Alarm, bytes: 10 })).toEqual({ kind: "drop-oldest", prio: Priority.OpenClose });
    expect(nextEviction([4, 0, 0, 0], 0, limits, { prio: Priority.Alarm, bytes: 10 })).toEqual({ kind: "drop-oldest", prio: Priority.Alarm });
  });

  it("an incoming item of a lower class than everything stored is itself dropped", () => {
    expect(nextEviction([2, 2, 0, 0], 0, limits, { prio: Priority.OpenClose, bytes: 10 })).toEqual({ kind: "drop-incoming" });
    expect(nextEviction([2, 2, 0, 0], 0, limits, { prio: Priority.Urgent, bytes: 10 })).toEqual({ kind: "drop-oldest", prio: Priority.Urgent });
  });

  it("an item larger than the whole budget, with nothing stored, is dropped", () => {
    expect(nextEviction([0, 0, 0, 0], 0, limits, { prio: Priority.Alarm, bytes: 1001 })).toEqual({ kind: "drop-incoming" });
  });

  it("lowest class present, and the 354 that reports an episode", () => {
    expect(lowestClassPresent([1, 0, 2, 0])).toBe(Priority.OpenClose);
    expect(lowestClassPresent([0, 0, 0, 0])).toBeUndefined();
    expect(overflowEvent(42)).toEqual({ code: Cid.FailureToCommunicate, q: Qualifier.New, area: 0, at: 42 });
  });

  it("limits below two items or 1 KiB cannot work", () => {
    expect(limitsUsable({ maxItems: 2, maxBytes: 1024 })).toBe(true);
    expect(limitsUsable({ maxItems: 1, maxBytes: 1024 })).toBe(false);
    expect(limitsUsable({ maxItems: 2, maxBytes: 1023 })).toBe(false);
  });
});
