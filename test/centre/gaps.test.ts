/**
 * "Possible lost events": a missing sequence number is reported once a higher one has been stored
 * longer than the grace period (frames arrive in priority order, so a short gap is normal).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { FakeClock } from "../../protocol/clock.js";
import { GapDetector, type LostEvents } from "../../simulator/centre/receiver/gap-detector.js";
import { SqliteCentreStore } from "../../simulator/centre/store-pg/sqlite-store.js";

const GRACE = 60_000;
let store: CentreStore;
let clock: FakeClock;
let lost: LostEvents[];
let gaps: GapDetector;
let port: SqliteCentreStore;

beforeEach(() => {
  store = CentreStore.open(":memory:");
  clock = new FakeClock();
  lost = [];
  port = SqliteCentreStore.over(store);
  gaps = new GapDetector(port, clock, GRACE, (l) => lost.push(l));
  gaps.start();
  store.registry.addPanel("P1", "SP4", clock.now());
});

/** Step fake time, then let the checks the timers set off finish. */
async function advance(ms: number, ...detectors: GapDetector[]): Promise<void> {
  clock.advance(ms);
  for (const d of [gaps, ...detectors]) await d.settled();
}
afterEach(() => {
  gaps.stop();
  store.close();
});

function arrive(...seqs: number[]): void {
  store.frames.store(
    seqs.map((seq) => ({ panel: "P1", seq, kid: "k", payload: { v: 1 as const, panel: "P1", seq, sent: clock.now(), heartbeat: { areas: [], troubles: [], outbox: 0 } }, frame: new Uint8Array([0]) })),
    clock.now(),
    "r",
  );
  gaps.stored("P1");
}

describe("sequence gap detection", () => {
  it("frames out of order within the grace period raise nothing", async () => {
    arrive(0, 1, 4);
    await advance(10_000);
    arrive(2, 3);
    await advance(GRACE * 3);
    expect(lost).toEqual([]);
  });

  it("reports a gap still open when the grace period has passed: not at grace - 1 ms, yes at grace", async () => {
    arrive(0, 1, 2, 5, 6);
    await advance(GRACE - 1);
    expect(lost).toEqual([]);
    await advance(1);
    expect(lost).toEqual([expect.objectContaining({ panel: "P1", from: 3, to: 4 })]);
    const alarm = store.alarms.get(lost[0]!.alarmId);
    expect(alarm).toMatchObject({ kind: "lost-events", state: "new" });
    expect(alarm.title).toMatch(/possible lost events/);
  });

  it("the grace period counts from the frame that reveals the gap, not from the panel's first frame", async () => {
    arrive(0);
    await advance(10_000);
    arrive(2); // reveals that 1 is missing
    await advance(GRACE - 1);
    expect(lost).toEqual([]);
    await advance(1);
    expect(lost.map((l) => [l.from, l.to])).toEqual([[1, 1]]);
  });

  it("a detector started after a restart finds the gaps the previous one did not live to report", async () => {
    arrive(0, 3);
    gaps.stop(); // the receiver dies before the grace period ends
    const next = new GapDetector(port, clock, GRACE, (l) => lost.push(l));
    next.start();
    await next.settled();
    await advance(GRACE - 1, next);
    expect(lost).toEqual([]);
    await advance(1, next);
    expect(lost.map((l) => [l.from, l.to])).toEqual([[1, 2]]);
    next.stop();
  });

  it("each gap is reported once, also by a second detector on the same store", async () => {
    arrive(0, 3);
    const other = new GapDetector(port, clock, GRACE);
    other.start();
    await advance(GRACE, other);
    await expect(other.run("P1")).resolves.toEqual([]);
    expect(lost).toHaveLength(1);
    arrive(4, 9);
    await advance(GRACE);
    expect(lost.map((l) => [l.from, l.to])).toEqual([
      [1, 2],
      [5, 8],
    ]);
    other.stop();
  });
});
