/**
 * The device's hold for events the outbox refused: kept in order, offered again every 5 s on the clock
 * port, bounded with the oldest dropped and counted, and the event storage fault (354) told to the panel
 * on a timer of its own, set at the first refusal and cleared by the first write with nothing left held.
 */
import { describe, expect, it } from "vitest";
import { ReportHold } from "../../gateway/device/report-hold.js";
import { GatewayError } from "../../gateway/errors.js";
import { FakeClock } from "../../protocol/clock.js";
import { Cid, Qualifier, type Event } from "../../protocol/index.js";

const ev = (i: number): Event => ({ code: Cid.AcLoss, q: i % 2 === 0 ? Qualifier.New : Qualifier.Restore, area: 0, at: 1_000 + i });

/** An outbox that refuses with `full` set; `stored` in write order with their sequence numbers. */
function setup(o: { capacity?: number } = {}) {
  const clock = new FakeClock(0);
  const disk = { full: false, error: "store-full" as "store-full" | "storage" };
  const written: Event[] = [];
  const stored: [number, number][] = [];
  const told: boolean[] = [];
  const hold = new ReportHold({
    clock,
    write: (e) => {
      if (disk.full) throw new GatewayError(disk.error, "outbox not written: database or disk is full");
      written.push(e);
      return written.length;
    },
    onStore: (ok) => told.push(ok),
    onStored: (e, seq) => stored.push([e.at - 1_000, seq]),
    ...(o.capacity !== undefined ? { capacity: o.capacity } : {}),
  });
  return { clock, disk, written, stored, told, hold };
}

describe("ReportHold", () => {
  it("passes events straight through while the outbox stores them, and tells the panel nothing", () => {
    const t = setup();
    t.hold.report(ev(0));
    t.hold.report(ev(1));
    t.clock.advance(60_000);
    expect(t.stored).toEqual([[0, 1], [1, 2]]);
    expect(t.told).toEqual([]);
    expect(t.clock.pending).toBe(0);
  });

  it.each(["store-full", "storage"] as const)("a %s refusal holds the event and sets the fault on a timer, not inside report()", (code) => {
    const t = setup();
    t.disk.full = true;
    t.disk.error = code;
    expect(() => t.hold.report(ev(0))).not.toThrow();
    expect(t.hold.held).toBe(1);
    expect(t.told).toEqual([]);
    t.clock.advance(0);
    expect(t.told).toEqual([false]);
  });

  it("offers the held events again every 5 s: not at 4,999 ms, at 5,000 ms; in order; then clears the fault", () => {
    const t = setup();
    t.disk.full = true;
    t.hold.report(ev(0));
    t.hold.report(ev(1));
    t.hold.report(ev(2));
    t.clock.advance(5_000); // a retry while still full: nothing stored
    expect(t.hold.held).toBe(3);
    t.disk.full = false;
    t.clock.advance(4_999);
    expect(t.stored).toEqual([]);
    expect(t.told).toEqual([false]);
    t.clock.advance(1);
    expect(t.stored).toEqual([[0, 1], [1, 2], [2, 3]]);
    expect(t.hold.held).toBe(0);
    expect(t.told).toEqual([false, true]);
    expect(t.clock.pending).toBe(0);
  });

  it("a new event behind held ones waits its turn: when space returns first, it flushes them all in order", () => {
    const t = setup();
    t.disk.full = true;
    t.hold.report(ev(0));
    t.disk.full = false;
    t.hold.report(ev(1)); // space is back before the retry: the older one goes first
    expect(t.stored).toEqual([[0, 1], [1, 2]]);
    t.clock.advance(0);
    expect(t.told).toEqual([false, true]);
  });

  it("keeps at most `capacity` events: the oldest is dropped and counted", () => {
    const t = setup({ capacity: 3 });
    t.disk.full = true;
    for (let i = 0; i < 5; i++) t.hold.report(ev(i));
    expect(t.hold.held).toBe(3);
    expect(t.hold.dropped).toBe(2);
    t.disk.full = false;
    t.clock.advance(5_000);
    expect(t.stored.map(([i]) => i)).toEqual([2, 3, 4]);
  });

  it("a background write failure of the gateway sets the fault; the next stored event clears it", () => {
    const t = setup();
    t.hold.storageFailed(new GatewayError("store-full", "heartbeat not written"));
    t.clock.advance(0);
    expect(t.told).toEqual([false]);
    t.hold.report(ev(0)); // the panel's 354 q1, say: stored, so storage works
    t.clock.advance(0);
    expect(t.told).toEqual([false, true]);
  });

  it("refusals that are not storage failures are thrown to the panel, nothing held", () => {
    const t = setup();
    const hold = new ReportHold({
      clock: t.clock,
      write: () => {
        throw new GatewayError("bad-event", "code: unknown");
      },
      onStore: (ok) => t.told.push(ok),
    });
    expect(() => hold.report(ev(0))).toThrow(expect.objectContaining({ code: "bad-event" }));
    expect(hold.held).toBe(0);
    t.clock.advance(10_000);
    expect(t.told).toEqual([]);
  });

  it("stop() cancels the retry and any fault change not yet told", () => {
    const t = setup();
    t.disk.full = true;
    t.hold.report(ev(0));
    t.hold.stop();
    t.disk.full = false;
    t.clock.advance(60_000);
    expect(t.told).toEqual([]);
    expect(t.stored).toEqual([]);
  });

  it("refuses a capacity below 1 or a retry of 0 ms (bad-config)", () => {
    const clock = new FakeClock(0);
    const base = { clock, write: () => 1, onStore: () => {} };
    expect(() => new ReportHold({ ...base, capacity: 0 })).toThrow(expect.objectContaining({ code: "bad-config" }));
    expect(() => new ReportHold({ ...base, retryMs: 0 })).toThrow(expect.objectContaining({ code: "bad-config" }));
  });
});
