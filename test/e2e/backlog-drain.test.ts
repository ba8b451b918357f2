/**
 * A backlog drain end to end on fake time: events pile up in the gateway's outbox while it has no link,
 * then it connects and the real receiver stores them. Batch frames (protocol/event-batch.ts) carry them:
 * far fewer frames than events, every event stored exactly once under its own seq, no hole in the
 * numbers, FIFO within each class, and an alarm reported mid-drain overtakes the backlog.
 */
import { describe, expect, it } from "vitest";
import { Cid, Qualifier, type Event } from "../../protocol/index.js";
import { at0, harness, PANEL } from "../gateway/sim-harness.js";

const closing = (user: number): Event => ({ code: Cid.OpenClose, q: Qualifier.Restore, area: 1, user, at: at0 });
const trouble = (zone: number): Event => ({ code: Cid.Tamper, q: Qualifier.New, area: 1, zone, at: at0 });
const burglary = (zone: number): Event => ({ code: Cid.Burglary, q: Qualifier.New, area: 1, zone, at: at0 });

function drained(h: ReturnType<typeof harness>, maxMs: number): number {
  const start = h.clock.now();
  while (h.gw.depth().total > 0 && h.clock.now() - start < maxMs) h.clock.advance(1);
  return h.clock.now() - start;
}

describe("backlog drain with batch frames (fake time, simulated broker, real receiver)", () => {
  it("500 queued events: every one stored once under its own seq, no hole, FIFO per class, in a few dozen frames", async () => {
    const h = harness({ overrides: { window: 8, batchEvents: 32 } });
    const frames: number[] = [];
    h.gw.on("sent", (s) => s.attempt === 1 && frames.push(s.seq));
    for (let i = 0; i < 500; i++) h.gw.report(i % 5 === 0 ? trouble(1 + (i % 90)) : closing(1 + (i % 99)));
    await h.gw.start();
    const ms = drained(h, 10_000);
    expect(h.gw.depth().total).toBe(0);
    const seqs = h.centre.storedSeqs(PANEL);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i)); // no hole, nothing twice
    const events = h.centre.events(PANEL);
    expect(events.filter((e) => e.code === Cid.OpenClose || e.code === Cid.Tamper)).toHaveLength(500);
    expect(h.centre.duplicates).toBe(0);
    for (const code of [Cid.OpenClose, Cid.Tamper]) {
      const order = events.filter((e) => e.code === code).map((e) => e.seq);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    // 100 tampers and 400 closings in frames of up to 32, plus the hello: 4 + 13 + 1 frames.
    expect(frames.length).toBeLessThanOrEqual(20);
    expect(ms).toBeLessThan(100);
    await h.gw.stop();
  });

  it("an alarm reported mid-drain goes alone at once, in the slot kept for it, ahead of the rest of the backlog", async () => {
    const h = harness({ overrides: { window: 4, batchEvents: 4 } });
    for (let i = 0; i < 400; i++) h.gw.report(closing(1 + (i % 99)));
    await h.gw.start();
    h.clock.advance(10); // the drain is under way, most of the backlog still waits
    expect(h.gw.depth().total).toBeGreaterThan(300);
    const sent: { seq: number; seqs?: readonly number[] }[] = [];
    h.gw.on("sent", (s) => sent.push(s));
    h.gw.report(burglary(7));
    const alarmFrame = sent[0]!;
    expect(alarmFrame.seqs).toBeUndefined(); // a frame of its own, sent in the same turn as the report
    drained(h, 10_000);
    const arrivals = h.centre.events(PANEL);
    const alarmAt = arrivals.findIndex((e) => e.code === Cid.Burglary);
    expect(arrivals[alarmAt]!.seq).toBe(alarmFrame.seq);
    expect(arrivals.slice(alarmAt + 1).filter((e) => e.code === Cid.OpenClose).length).toBeGreaterThan(250);
    await h.gw.stop();
  });
});
