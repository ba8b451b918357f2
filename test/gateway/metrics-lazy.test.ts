/**
 * prom-client is loaded only when a gateway's registry is first read (`alarm-panel --metrics`), and what
 * was counted before that read is all there: counters by label, the ACK RTT histogram's buckets, count
 * and sum exactly as if prom-client had observed every value itself.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GatewayMetrics } from "../../gateway/metrics.js";
import type { Outbox } from "../../gateway/outbox.js";

const ROOT = join(import.meta.dirname, "../..");
const idle = { outbox: { depth: () => ({ byClass: {} }), oldestQueued: () => undefined } as unknown as Outbox, now: () => 0, pathInUse: () => 0 };

describe("metrics counted before prom-client is loaded", () => {
  it("counters keep their tallies per label set, read at each scrape", async () => {
    const m = new GatewayMetrics(idle);
    m.reconnects.inc({ path: "primary" });
    m.reconnects.inc({ path: "primary" });
    m.reconnects.inc({ path: "alternative" });
    m.dropped.inc(3);
    let t = await m.registry.metrics();
    expect(t).toMatch(/gateway_reconnects_total\{path="primary"\} 2/);
    expect(t).toMatch(/gateway_reconnects_total\{path="alternative"\} 1/);
    expect(t).toMatch(/gateway_outbox_dropped_total 3/);
    expect(t).toMatch(/gateway_retransmits_total 0/);
    m.dropped.inc(); // after the registry exists: read at the next scrape
    t = await m.registry.metrics();
    expect(t).toMatch(/gateway_outbox_dropped_total 4/);
  });

  it("the RTT histogram hands over exact buckets, count and sum, then observes directly", async () => {
    const m = new GatewayMetrics(idle);
    for (const s of [0.001, 0.0011, 0.002, 0.0025, 0.0026, 7, 11]) m.ackRtt.observe(s);
    let t = await m.registry.metrics();
    // The boundary: 0.001 is in le=0.001, 0.0011 is not; 0.0025 is in le=0.0025, 0.0026 is not.
    expect(t).toMatch(/gateway_ack_rtt_seconds_bucket\{le="0.001"\} 1\n/);
    expect(t).toMatch(/gateway_ack_rtt_seconds_bucket\{le="0.0025"\} 4\n/);
    expect(t).toMatch(/gateway_ack_rtt_seconds_bucket\{le="0.005"\} 5\n/);
    expect(t).toMatch(/gateway_ack_rtt_seconds_bucket\{le="10"\} 6\n/);
    expect(t).toMatch(/gateway_ack_rtt_seconds_bucket\{le="\+Inf"\} 7\n/);
    expect(t).toMatch(/gateway_ack_rtt_seconds_count 7\n/);
    const sum = Number(/gateway_ack_rtt_seconds_sum ([\d.e-]+)/.exec(t)![1]);
    expect(sum).toBeCloseTo(0.001 + 0.0011 + 0.002 + 0.0025 + 0.0026 + 7 + 11, 9);
    m.ackRtt.observe(0.05);
    t = await m.registry.metrics();
    expect(t).toMatch(/gateway_ack_rtt_seconds_bucket\{le="0.05"\} 6\n/);
    expect(t).toMatch(/gateway_ack_rtt_seconds_count 8\n/);
  });

  it("a gateway process loads prom-client only when the registry is first read", () => {
    const script = `
      import { createRequire } from "node:module";
      const { GatewayMetrics } = await import(${JSON.stringify(join(ROOT, "gateway/metrics.ts"))});
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes("/node_modules/prom-client/"));
      const m = new GatewayMetrics({ outbox: { depth: () => ({ byClass: {} }), oldestQueued: () => undefined }, now: () => 0, pathInUse: () => 0 });
      m.retransmits.inc();
      m.ackRtt.observe(0.01);
      const before = loaded();
      void m.registry;
      console.log(JSON.stringify({ before, after: loaded() }));`;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ before: false, after: true });
  });
});
