import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Backoff } from "../../gateway/backoff.js";
import { harness } from "./sim-harness.js";

describe("exponential backoff with full jitter", () => {
  it("draws each delay uniformly from [0, min(cap, base * 2^n)) and doubles the window per attempt", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 0.9999999, noNaN: true }), { minLength: 1, maxLength: 20 }), (draws) => {
        let i = 0;
        const b = new Backoff({ baseMs: 1000, capMs: 30_000, random: () => draws[i++ % draws.length]! });
        for (let n = 0; n < draws.length; n++) {
          const window = Math.min(30_000, 1000 * 2 ** n);
          expect(b.window()).toBe(window);
          const d = b.next();
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThan(window);
        }
      }),
    );
  });

  it("reaches both ends of the window: 0 for random()=0, window-1 for random() just below 1", () => {
    expect(new Backoff({ baseMs: 1000, capMs: 60_000, random: () => 0 }).next()).toBe(0);
    const b = new Backoff({ baseMs: 1000, capMs: 60_000, random: () => 0.9999999 });
    expect([b.next(), b.next(), b.next()]).toEqual([999, 1999, 3999]);
  });

  it("stays at the cap however many attempts, and starts over after reset", () => {
    const b = new Backoff({ baseMs: 1000, capMs: 8000, random: () => 0.5 });
    const delays = Array.from({ length: 2000 }, () => b.next());
    expect(delays.slice(0, 5)).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(delays.at(-1)).toBe(4000);
    b.reset();
    expect(b.next()).toBe(500);
  });

  it("spreads 10,000 panels reconnecting after a broker restart over the whole window", () => {
    const delays = Array.from({ length: 10_000 }, () => new Backoff({ baseMs: 1000, capMs: 60_000 }).next());
    const buckets = [0, 0, 0, 0];
    for (const d of delays) buckets[Math.floor(d / 250)]!++;
    for (const n of buckets) expect(n).toBeGreaterThan(2000);
  });
});

describe("reconnect timing on fake time", () => {
  it("reconnects exactly after the jittered delay: not at delay-1 ms, connected at delay (+1 ms connect latency)", async () => {
    const h = harness();
    await h.gw.start();
    h.clock.advance(1);
    expect(h.gw.activePath).toBe(0);
    h.brokers[0]!.kill();
    expect(h.gw.activePath).toBeUndefined();
    // random() = 0.5, base 1000: first delay 500 ms; broker still down: refused after 1 ms latency.
    h.clock.advance(500);
    expect(h.panelConnected(0)).toBe(0);
    h.clock.advance(1);
    // Second attempt: 0.5 * 2000 = 1000 ms later. Revive the broker meanwhile.
    h.brokers[0]!.revive();
    h.clock.advance(999);
    h.clock.advance(1); // attempt starts
    expect(h.gw.activePath).toBeUndefined();
    h.clock.advance(1); // connect latency
    expect(h.gw.activePath).toBe(0);
    expect((await h.gw.metrics.registry.getSingleMetric("gateway_reconnects_total")!.get()).values[0]!.value).toBe(2);
    await h.gw.stop();
  });

  it("caps the reconnect window at half the category's reporting time (SP6: 20 s -> 10 s)", async () => {
    const h = harness({ category: "SP6", overrides: { backoff: { baseMs: 1000, random: () => 0.9999 } } });
    await h.gw.start();
    h.clock.advance(1);
    const killedAt = h.clock.now();
    h.brokers[0]!.kill();
    h.clock.advance(60_000);
    const a = h.panelAttempts(0);
    expect(a[1]! - killedAt).toBe(999);
    // Later gaps = delay + 1 ms refusal latency; windows 2, 4, 8, then capped at 10 s.
    const gaps = a.slice(2).map((t, i) => t - a[i + 1]!);
    expect(gaps.slice(0, 6)).toEqual([2000, 4000, 8000, 10_000, 10_000, 10_000]);
    await h.gw.stop();
  });
});
