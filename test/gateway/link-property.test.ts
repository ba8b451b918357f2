/**
 * The delivery property on fake time, for any interleaving of reports, broker deaths and revivals on
 * both paths: once the brokers are back, every reported event is in the centre's store exactly once,
 * in order within its class.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Cid, Qualifier, type Event } from "../../protocol/index.js";
import { checkDelivery } from "./delivery.js";
import { harness, PANEL } from "./sim-harness.js";

const LINK_CODES: ReadonlySet<number> = new Set([Cid.CommTrouble, Cid.Path1Fault, Cid.Path2Fault, Cid.FailureToCommunicate]);

type Step = { kind: "report"; cls: number; n: number } | { kind: "advance"; ms: number } | { kind: "kill"; broker: number } | { kind: "revive"; broker: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("report" as const), cls: fc.integer({ min: 0, max: 3 }), n: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant("advance" as const), ms: fc.integer({ min: 0, max: 3000 }) }),
  fc.record({ kind: fc.constant("kill" as const), broker: fc.integer({ min: 0, max: 1 }) }),
  fc.record({ kind: fc.constant("revive" as const), broker: fc.integer({ min: 0, max: 1 }) }),
);

function eventOf(cls: number, at: number): Event {
  switch (cls) {
    case 0:
      return { code: Cid.Burglary, q: Qualifier.New, area: 1, zone: 1, at };
    case 1:
      return { code: Cid.Tamper, q: Qualifier.New, area: 1, zone: 2, at };
    case 2:
      return { code: Cid.OpenClose, q: Qualifier.Restore, area: 1, user: 3, at };
    default:
      return { code: Cid.ManualTest, q: Qualifier.New, area: 0, at };
  }
}

describe("delivery under broker deaths on both paths (fake time)", () => {
  it("every event exactly once, in order within its class, no hole in the sequence numbers", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 80 }), async (steps, altLatency) => {
        const h = harness({ paths: 2, category: "DP3", latencies: [1, altLatency], overrides: { window: 4 } });
        await h.gw.start();
        const ats: number[] = [];
        let at = 1_000;
        for (const s of steps) {
          if (s.kind === "report") {
            for (let i = 0; i < s.n; i++) {
              h.gw.report(eventOf(s.cls, ++at));
              ats.push(at);
            }
          }
          else if (s.kind === "advance") h.clock.advance(s.ms);
          else if (s.kind === "kill") h.brokers[s.broker]!.kill();
          else h.brokers[s.broker]!.revive();
        }
        h.brokers[0]!.revive();
        h.brokers[1]!.revive();
        h.clock.advance(120_000);
        const stored = h.centre.events(PANEL).filter((e) => !LINK_CODES.has(e.code));
        checkDelivery(stored, ats);
        // No hole in the sequence numbers (heartbeats and hellos included): the centre's gap detector
        // must not see "possible lost events" where nothing was lost.
        const seqs = h.centre.storedSeqs(PANEL);
        expect(seqs).toEqual(seqs.map((_, i) => i));
        expect(h.gw.depth().total).toBe(0);
        await h.gw.stop();
      }),
      { numRuns: 60 },
    );
  });
});
