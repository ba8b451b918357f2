/**
 * Load, CI size: 200 panels for 20 s through Mosquitto with two receivers, SP6-like heartbeats every 20 s
 * (EN 50136-1 SP6: 20 s reporting time) and two alarm storms (every panel one burglary at once). Nothing
 * lost (every frame acknowledged and stored once), alarm latency and the receivers' CPU and memory printed.
 * `npm run soak -- load` runs 1,000 panels for 10 minutes.
 */
import { describe, expect, it } from "vitest";
import { runLoad } from "./load-rig.js";

describe("load through Mosquitto with two receivers", () => {
  it("200 panels, heartbeats every 20 s and two alarm storms in 20 s: every frame acknowledged and stored once", async () => {
    const r = await runLoad({ panels: 200, durationMs: 20_000, heartbeatMs: 20_000, stormsAtMs: [6_000, 14_000] });
    console.log(
      `[load] 200 panels, ${r.seconds.toFixed(0)} s: ${r.frames} frames (${r.alarms} alarms), ${r.stored} stored, ${r.unacked} unacknowledged, ${r.retransmits} resent; ` +
        `alarm latency p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, max ${r.maxMs.toFixed(1)} ms; ` +
        `receivers CPU ${r.receiverCpuPct.map((c) => c.toFixed(1) + " %").join(", ")}, RSS ${r.samples.at(-1)!.rssMb.map((m) => m.toFixed(0) + " MB").join(", ")}`,
    );
    expect(r.receiverCrashes).toEqual([]);
    expect(r.unacked).toBe(0);
    expect(r.stored).toBe(r.frames);
    expect(r.alarms).toBe(400);
  }, 90_000);
});
