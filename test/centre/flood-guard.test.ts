/**
 * The per-panel budget of frames that fail verification (flood-guard.ts): a token bucket on the
 * receiver's clock, one episode reported per exhaustion, both sides of every boundary on fake time.
 */
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import { FloodGuard } from "../../simulator/centre/receiver/flood-guard.js";

function guard(burst = 20, perSecond = 1) {
  const clock = new FakeClock();
  const episodes: string[] = [];
  const t0 = clock.now();
  const g = new FloodGuard({ clock, burst, perSecond, onEpisode: (panel, at) => episodes.push(`${panel}@${at - t0}`) });
  return { clock, g, episodes };
}

describe("flood guard: a panel's unverified frames within its budget", () => {
  it("19 unverified frames at once: still admitted, no episode; the 20th exhausts the budget and starts one", () => {
    const { g, episodes } = guard();
    for (let i = 0; i < 19; i++) g.unverified("P1");
    expect(g.admit("P1")).toBe(true);
    expect(g.flooding("P1")).toBe(false);
    g.unverified("P1");
    expect(g.flooding("P1")).toBe(true);
    expect(g.admit("P1")).toBe(false);
    expect(episodes).toEqual(["P1@0"]);
    expect(g.stats).toEqual({ refused: 1, episodes: 1 });
  });

  it("another panel's budget is its own", () => {
    const { g } = guard();
    for (let i = 0; i < 20; i++) g.unverified("P1");
    expect(g.admit("P1")).toBe(false);
    expect(g.admit("P2")).toBe(true);
    expect(g.flooding("P2")).toBe(false);
  });
});

describe("flood guard: over budget", () => {
  it("refuses until one token has refilled (999 ms refused, 1,000 ms admitted), then one frame per second", () => {
    const { clock, g, episodes } = guard();
    for (let i = 0; i < 20; i++) g.unverified("P1");
    clock.advance(999);
    expect(g.admit("P1")).toBe(false);
    clock.advance(1);
    expect(g.admit("P1")).toBe(true);
    g.unverified("P1"); // that one was junk too: the budget is spent again, same episode
    expect(g.admit("P1")).toBe(false);
    expect(episodes).toHaveLength(1);
  });

  it("the episode ends once the bucket is full again (19,999 ms quiet: still flooding; 20,000 ms: over); the next exhaustion is a new episode", () => {
    const { clock, g, episodes } = guard();
    for (let i = 0; i < 20; i++) g.unverified("P1");
    clock.advance(19_999);
    expect(g.flooding("P1")).toBe(true);
    clock.advance(1);
    expect(g.flooding("P1")).toBe(false);
    for (let i = 0; i < 19; i++) g.unverified("P1");
    expect(episodes).toEqual(["P1@0"]);
    g.unverified("P1");
    expect(episodes).toEqual(["P1@0", "P1@20000"]);
  });

  it("frames refused before verification do not spend the budget: at any rate the verified junk stays within burst + perSecond * t", () => {
    const { clock, g } = guard(20, 1);
    let verified = 0;
    for (let ms = 0; ms < 10_000; ms++) {
      for (let k = 0; k < 5; k++) {
        // 5,000 junk frames per second; each admitted one is verified and fails.
        if (g.admit("P1")) {
          verified++;
          g.unverified("P1");
        }
      }
      clock.advance(1);
    }
    expect(verified).toBeLessThanOrEqual(20 + 10);
    expect(verified).toBeGreaterThanOrEqual(20 + 9);
    expect(g.stats.episodes).toBe(1);
  });
});
