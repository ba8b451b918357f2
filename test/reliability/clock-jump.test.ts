/**
 * The panel's wall clock jumps forward and back by hours (a bad RTC after a power cut, a wrong NTP answer)
 * while it streams events. The centre refuses frames outside the SIA DC-09 window (-40 s / +20 s) with a
 * `stale` NAK carrying its own time; the gateway learns the offset from it and resends. Every jump must
 * leave delivery intact: nothing lost, nothing stored twice, order within each class kept.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Cid, Qualifier, type Event } from "../../protocol/index.js";
import { checkDelivery } from "../gateway/delivery.js";
import { harness } from "../gateway/sim-harness.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const H = 3_600_000;
const AT = 1_700_000_000_000;
const ev = (i: number): Event =>
  i % 3 === 0
    ? { code: Cid.Burglary, q: Qualifier.New, area: 1, zone: 1 + (i % 99), at: AT + i }
    : i % 3 === 1
      ? { code: Cid.OpenClose, q: Qualifier.Restore, area: 1, user: 1, at: AT + i }
      : { code: Cid.Tamper, q: Qualifier.New, area: 1, zone: 1, at: AT + i };

async function run(h: ReturnType<typeof harness>, ms: number, step = 100): Promise<void> {
  for (let t = 0; t < ms; t += step) {
    h.clock.advance(step);
    await new Promise((r) => setImmediate(r));
  }
}

describe("the panel's clock jumps by hours during a stream (DC-09 window, stale NAK correction)", () => {
  it("forward 3 h, back 5 h, forward 10 h, back 1 h, and right again: every event stored once, in class order", async () => {
    const h = harness({ category: "SP6" });
    cleanups.push(() => h.gw.stop());
    const clocks: number[] = [];
    h.gw.on("clock", ({ offsetMs }) => clocks.push(offsetMs));
    await h.gw.start();
    await run(h, 50, 5);
    // skewMs is the centre's clock minus the panel's: the panel jumping forward by 3 h is a skew of -3 h.
    const jumps = [-3 * H, 2 * H, -8 * H, -7 * H, 0];
    let i = 0;
    for (const skew of jumps) {
      h.centre.skewMs = skew;
      for (let k = 0; k < 40; k++) {
        h.gw.report(ev(i++));
        if (k % 8 === 0) await run(h, 200);
      }
      await run(h, 10_000);
    }
    await run(h, 30_000);
    const events = h.centre.events("p1").filter((e) => e.at >= AT && e.at < AT + 1e6);
    checkDelivery(events, Array.from({ length: i }, (_, k) => AT + k));
    expect(h.gw.depth().byClass.slice(0, 3)).toEqual([0, 0, 0]);
    // The gateway followed each jump: its last learnt offset is the centre's view of the last jump (0 h).
    expect(clocks.length).toBeGreaterThanOrEqual(jumps.length - 1);
    expect(Math.abs(clocks.at(-1)!)).toBeLessThan(60_000);
    console.log(`[clock jumps] ${i} events over jumps of ${jumps.map((j) => `${-j / H} h`).join(", ")}: ${events.length} stored once, ${clocks.length} clock corrections, ${h.centre.duplicates} duplicates recognised`);
  });
});
