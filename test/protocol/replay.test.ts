import { describe, expect, it } from "vitest";
import { ReplayWindow, ReplayWindows } from "../../protocol/index.js";

describe("anti-replay window over sequence numbers", () => {
  it("a processed sequence number is a duplicate, never new again", () => {
    const w = new ReplayWindow(8);
    expect(w.check(5)).toBe("new");
    w.mark(5);
    expect(w.check(5)).toBe("duplicate");
  });
  it("out-of-order arrivals within the window are each new once (priority order is not seq order)", () => {
    const w = new ReplayWindow(8);
    for (const s of [10, 7, 9, 8]) {
      expect(w.check(s)).toBe("new");
      w.mark(s);
    }
    expect([7, 8, 9, 10].map((s) => w.check(s))).toEqual(["duplicate", "duplicate", "duplicate", "duplicate"]);
  });
  it("at the window edge: highest-size+1 is still remembered, highest-size is below the window", () => {
    const w = new ReplayWindow(8);
    w.mark(100);
    expect(w.check(93)).toBe("new");
    expect(w.check(92)).toBe("below-window");
  });
  it("keeps its memory bounded", () => {
    const w = new ReplayWindow(16);
    for (let s = 0; s < 10_000; s++) w.mark(s);
    expect(w.check(9_999)).toBe("duplicate");
    expect(w.check(9_000)).toBe("below-window");
    expect(w.remembered).toBeLessThanOrEqual(2 * 16 + 1);
  });
  it("a seq marked with a content tag is a duplicate only for that content (a reused number is new, for the store to judge)", () => {
    const w = new ReplayWindow(8);
    w.mark(3, 0xabc);
    expect(w.check(3, 0xabc)).toBe("duplicate");
    expect(w.check(3, 0xabd)).toBe("new");
    expect(w.check(3)).toBe("duplicate"); // no tag to compare: the seq alone decides, as before
    w.mark(3, 0xabd);
    expect(w.check(3, 0xabd)).toBe("duplicate");
    expect(w.check(3, 0xabc)).toBe("new");
  });
  it("one window per panel", () => {
    const ws = new ReplayWindows(8);
    ws.for("a").mark(1);
    expect(ws.for("a").check(1)).toBe("duplicate");
    expect(ws.for("b").check(1)).toBe("new");
  });
});
