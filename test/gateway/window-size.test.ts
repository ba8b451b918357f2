import { describe, expect, it } from "vitest";
import { WindowSize } from "../../gateway/window-size.js";

/** `n` ACKs spread evenly over `ms` after `t`, the window full all along; returns the end time. */
function round(s: WindowSize, t: number, n: number, ms: number, full = true): number {
  for (let i = 1; i <= n; i++) s.acked(1, t + (ms * i) / n, full);
  return t + ms;
}

describe("window size: doubled while doubling raises the ACK rate", () => {
  it("stays at the configured window when it may not grow (maxWindow = window)", () => {
    const s = new WindowSize(4, 4);
    s.acked(1, 0, true);
    round(s, 0, 40, 10);
    expect(s.limit).toBe(4);
  });

  it("doubles after a full round, again while the rate rises by a quarter, and undoes the doubling that did not pay", () => {
    const s = new WindowSize(4, 64);
    s.acked(1, 0, true); // the first ACK opens the first round
    let t = round(s, 0, 4, 4); // 1 frame/ms
    expect(s.limit).toBe(8);
    t = round(s, t, 8, 4); // 2 frames/ms: it paid
    expect(s.limit).toBe(16);
    t = round(s, t, 16, 8); // still 2 frames/ms: it did not
    expect(s.limit).toBe(8);
    t = round(s, t, 8, 1); // settled: a faster round later does not start growth again
    expect(s.limit).toBe(8);
  });

  it("a rise of exactly a quarter pays; just below it does not", () => {
    const pays = new WindowSize(4, 64);
    pays.acked(1, 0, true);
    let t = round(pays, 0, 4, 5); // 0.8/ms -> 8
    round(pays, t, 8, 8); // 1.0/ms, exactly 1.25 x -> 16
    expect(pays.limit).toBe(16);
    const not = new WindowSize(4, 64);
    not.acked(1, 0, true);
    t = round(not, 0, 4, 5);
    round(not, t, 8, 8.1); // 0.99/ms -> back to 4
    expect(not.limit).toBe(4);
  });

  it("does not grow on a round in which the window was not full (the sender had nothing more)", () => {
    const s = new WindowSize(4, 64);
    s.acked(1, 0, true);
    round(s, 0, 4, 4, false);
    expect(s.limit).toBe(4);
  });

  it("never grows past maxWindow, and a reset (timeout, backlog gone) starts over at the window", () => {
    const s = new WindowSize(4, 8);
    s.acked(1, 0, true);
    let t = round(s, 0, 4, 4);
    t = round(s, t, 8, 2);
    expect(s.limit).toBe(8);
    s.reset();
    expect(s.limit).toBe(4);
    s.acked(1, t, true);
    round(s, t, 4, 4);
    expect(s.limit).toBe(8);
  });
});
