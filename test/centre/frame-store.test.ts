/**
 * "No frame handled twice" as a property of the store: for any interleaving of deliveries (QoS 1
 * redelivery, panel retransmissions, two receivers on one file, restarts) each (panel, seq) is "stored"
 * exactly once and "duplicate" every other time.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UplinkPayload } from "../../protocol/index.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { SqliteCentreStore } from "../../simulator/centre/store-pg/sqlite-store.js";
import { FakeClock } from "../../protocol/clock.js";
import { GapDetector, type LostEvents } from "../../simulator/centre/receiver/gap-detector.js";

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), "frame-store-"))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const heartbeat = (panel: string, seq: number): UplinkPayload => ({ v: 1, panel, seq, sent: 0, heartbeat: { areas: [], troubles: [], outbox: 0 } });
const frame = (panel: string, seq: number) => ({ panel, seq, kid: "k", payload: heartbeat(panel, seq), frame: new Uint8Array([seq & 0xff]) });

describe("no frame handled twice", () => {
  it("holds for any batches, split across two connections to one file, with restarts", () => {
    let run = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom("A", "B"), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 1 }), fc.boolean()), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 10 }),
        (deliveries, batchSize) => {
          const path = join(dir, `p${run++}.db`);
          let stores = [CentreStore.open(path), CentreStore.open(path)];
          const storedCount = new Map<string, number>();
          for (let i = 0; i < deliveries.length; i += batchSize) {
            // Each batch goes to one of the two "receivers"; a `restart` flag reopens both connections.
            const batch = deliveries.slice(i, i + batchSize);
            const [, , which, restart] = batch[0]!;
            if (restart) {
              stores.forEach((s) => s.close());
              stores = [CentreStore.open(path), CentreStore.open(path)];
            }
            const out = stores[which]!.frames.store(batch.map(([p, s]) => frame(p, s)), 0, `r${which}`);
            out.forEach((o, j) => {
              const key = `${batch[j]![0]}:${batch[j]![1]}`;
              if (o.result === "stored") storedCount.set(key, (storedCount.get(key) ?? 0) + 1);
            });
          }
          const distinct = new Set(deliveries.map(([p, s]) => `${p}:${s}`));
          expect([...storedCount.keys()].sort()).toEqual([...distinct].sort());
          expect([...storedCount.values()].every((n) => n === 1)).toBe(true);
          expect(stores[0]!.frames.count()).toBe(distinct.size);
          stores.forEach((s) => s.close());
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("gap detection", () => {
  it("reports exactly the missing sequence numbers between the first and the last, once settled", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 0, max: 60 }), { minLength: 1, maxLength: 40 }), async (seqs) => {
        const store = CentreStore.open(":memory:");
        const clock = new FakeClock();
        const lost: LostEvents[] = [];
        const gaps = new GapDetector(SqliteCentreStore.over(store), clock, 1000, (l) => lost.push(l));
        gaps.start();
        store.registry.addPanel("A", "SP4", 0);
        // Fake time in 10 ms steps (the frames' spacing), each step's store calls finished before the next.
        const step = async () => {
          clock.advance(10);
          await gaps.settled();
        };
        for (const s of seqs) {
          store.frames.store([frame("A", s)], clock.now(), "r");
          gaps.stored("A");
          await step();
        }
        for (let t = 0; t < 1000; t += 10) await step();
        const reported = lost.flatMap((l) => Array.from({ length: l.to - l.from + 1 }, (_, i) => l.from + i));
        const lo = Math.min(...seqs);
        const hi = Math.max(...seqs);
        const missing = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i).filter((s) => !seqs.includes(s));
        expect(reported).toEqual(missing);
        gaps.stop();
        store.close();
      }),
      { numRuns: 60 },
    );
  });
});
