/**
 * The receiver's intake (fair-intake.ts): per-panel queues served in turn, so one panel's burst delays
 * another panel's frame by at most one of its own frames per round; each queue bounded.
 */
import { describe, expect, it } from "vitest";
import { FairIntake } from "../../simulator/centre/receiver/fair-intake.js";

function intake(o: { perPanel?: number; perTurn?: number; admit?: (p: string) => boolean } = {}) {
  const taken: string[] = [];
  const turns: number[] = [];
  const dropped: string[] = [];
  const deferred: (() => void)[] = [];
  const q = new FairIntake<string>({
    ...o,
    admit: o.admit ?? (() => true),
    take: (_p, item) => taken.push(item),
    turnEnd: () => turns.push(taken.length),
    dropped: (p, why) => dropped.push(`${p}:${why}`),
    defer: (fn) => deferred.push(fn),
  });
  /** Run the deferred turns, as the event loop would. */
  const run = () => {
    while (deferred.length > 0) deferred.shift()!();
  };
  return { q, taken, turns, dropped, run };
}

describe("fair intake: panels served in turn", () => {
  it("a burst of one panel queued before another panel's alarm: the alarm is taken second, not after the burst", () => {
    const t = intake();
    for (let i = 0; i < 50; i++) t.q.offer("P1", `junk${i}`);
    t.q.offer("P2", "alarm");
    t.run();
    expect(t.taken.indexOf("alarm")).toBe(1);
    expect(t.taken).toHaveLength(51);
    // Within one panel, arrival order is kept.
    expect(t.taken.filter((x) => x.startsWith("junk"))).toEqual(Array.from({ length: 50 }, (_, i) => `junk${i}`));
  });

  it("three panels in rotation: P1, P2, P3, P1, P2, ...", () => {
    const t = intake();
    for (const p of ["P1", "P2", "P3"]) for (let i = 0; i < 2; i++) t.q.offer(p, `${p}-${i}`);
    t.run();
    expect(t.taken).toEqual(["P1-0", "P2-0", "P3-0", "P1-1", "P2-1", "P3-1"]);
  });

  it("at most perTurn frames per turn, then a new turn; a panel not reached keeps its place", () => {
    const t = intake({ perTurn: 2 });
    for (const p of ["P1", "P2", "P3"]) t.q.offer(p, p);
    t.run();
    expect(t.taken).toEqual(["P1", "P2", "P3"]);
    expect(t.turns).toEqual([2, 3]);
  });
});

describe("fair intake: bounded", () => {
  it("a panel's queue holds perPanel frames (64th queued, 65th dropped on arrival); other panels are unaffected", () => {
    const t = intake({ perPanel: 64 });
    for (let i = 0; i < 64; i++) expect(t.q.offer("P1", `j${i}`)).toBe(true);
    expect(t.q.offer("P1", "j64")).toBe(false);
    expect(t.q.offer("P2", "alarm")).toBe(true);
    expect(t.dropped).toEqual(["P1:queue-full"]);
    expect(t.q.size).toBe(65);
    t.run();
    expect(t.q.size).toBe(0);
    expect(t.q.offer("P1", "again")).toBe(true);
  });

  it("a panel the flood guard refuses is dropped on arrival, before any work", () => {
    const t = intake({ admit: (p) => p !== "P1" });
    expect(t.q.offer("P1", "junk")).toBe(false);
    expect(t.q.offer("P2", "alarm")).toBe(true);
    t.run();
    expect(t.taken).toEqual(["alarm"]);
    expect(t.dropped).toEqual(["P1:over-budget"]);
  });

  it("a frame that waited while its panel went over budget is dropped when its turn comes, unjudged", () => {
    let over = false;
    const t = intake({ admit: (p) => !(p === "P1" && over) });
    for (let i = 0; i < 3; i++) t.q.offer("P1", `junk${i}`);
    t.q.offer("P2", "alarm");
    over = true; // the flood guard found P1 over budget meanwhile
    t.run();
    expect(t.taken).toEqual(["alarm"]);
    expect(t.dropped).toEqual(["P1:over-budget", "P1:over-budget", "P1:over-budget"]);
  });

  it("drainAll takes everything now, still in turn; clear forgets it", () => {
    const t = intake({ perTurn: 1 });
    for (const p of ["P1", "P2"]) for (let i = 0; i < 2; i++) t.q.offer(p, `${p}-${i}`);
    t.q.drainAll();
    expect(t.taken).toEqual(["P1-0", "P2-0", "P1-1", "P2-1"]);
    t.q.offer("P1", "x");
    t.q.clear();
    expect(t.q.size).toBe(0);
  });
});
