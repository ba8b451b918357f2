import { describe, expect, it } from "vitest";
import { Priority } from "../../protocol/index.js";
import { InFlightWindow } from "../../gateway/in-flight.js";
import type { OutboxRecord } from "../../gateway/outbox.js";

const rec = (seq: number, prio: Priority): OutboxRecord => ({ seq, prio, item: { kind: "result", result: { id: `c${seq}`, ok: true } }, queued: 0 });

describe("in-flight window bookkeeping", () => {
  it("advances the class cursor on dispatch (not for a hello), finds the first in delivery order and the due ones in order", () => {
    const w = new InFlightWindow();
    w.add(rec(7, Priority.OpenClose));
    w.add(rec(9, Priority.Alarm));
    w.add(rec(4, Priority.OpenClose));
    w.add(rec(12, Priority.Routine), false);
    expect(w.cursors).toEqual([9, -1, 7, -1]);
    expect(w.first()!.rec.seq).toBe(9);
    w.get(7)!.due = true;
    w.get(9)!.due = true;
    w.get(4)!.due = true;
    expect(w.due().map((f) => f.rec.seq)).toEqual([9, 4, 7]);
    w.get(7)!.firstSentAt = 50;
    w.get(9)!.firstSentAt = 20;
    w.get(4)!.firstSentAt = 30;
    w.get(12)!.firstSentAt = 40;
    expect(w.oldestFirstSent()).toBe(20);
  });

  it("remove cancels the frame's timer; reset forgets everything and the cursors", () => {
    const w = new InFlightWindow();
    let cancelled = 0;
    const f = w.add(rec(1, Priority.Alarm));
    f.timer = { cancel: () => void cancelled++ };
    expect(w.remove(1)).toBe(f);
    expect(w.remove(1)).toBeUndefined();
    expect(cancelled).toBe(1);
    w.add(rec(2, Priority.Alarm)).timer = { cancel: () => void cancelled++ };
    w.reset();
    expect(cancelled).toBe(2);
    expect(w.size).toBe(0);
    expect(w.cursors).toEqual([-1, -1, -1, -1]);
    expect(w.oldestFirstSent()).toBe(Infinity);
  });
});
