import { describe, expect, it } from "vitest";
import { Cid, Qualifier, type Event } from "../../protocol/index.js";
import { metricsPort } from "../../gateway/metrics.js";
import { harness } from "./sim-harness.js";

const ev = (code: number, extra: Partial<Event> = {}): Event => ({ code, q: Qualifier.New, area: 1, at: 1_700_000_000_000, ...extra }) as Event;

describe("metrics (own prom-client Registry, optional HTTP endpoint)", () => {
  it("exposes outbox depth per class, oldest age, path in use, ACK RTT, retransmits and reconnects", async () => {
    const h = harness({ overrides: { metricsPort: 0 } });
    h.gw.report(ev(Cid.Burglary, { zone: 1 }));
    h.gw.report(ev(Cid.Tamper, { zone: 2 }));
    h.gw.report(ev(Cid.OpenClose, { user: 3 }));
    h.gw.report(ev(Cid.ManualTest));
    h.clock.advance(4000);
    await h.gw.start();
    const text = async () => {
      const res = await fetch(`http://127.0.0.1:${metricsPort(h.gw.metricsServer!)}/metrics`);
      expect(res.status).toBe(200);
      return res.text();
    };
    let t = await text();
    expect(t).toMatch(/gateway_outbox_depth\{class="alarm"\} 1/);
    expect(t).toMatch(/gateway_outbox_depth\{class="urgent"\} 1/);
    expect(t).toMatch(/gateway_outbox_depth\{class="open-close"\} 1/);
    expect(t).toMatch(/gateway_outbox_depth\{class="routine"\} 1/);
    expect(t).toMatch(/gateway_outbox_oldest_age_seconds 4\b/);
    expect(t).toMatch(/gateway_path_in_use 0/);

    h.clock.advance(50);
    t = await text();
    expect(t).toMatch(/gateway_outbox_depth\{class="alarm"\} 0/);
    expect(t).toMatch(/gateway_outbox_oldest_age_seconds 0/);
    expect(t).toMatch(/gateway_path_in_use 1/);
    // Four events and the hello heartbeat.
    expect(t).toMatch(/gateway_ack_rtt_seconds_count 5/);
    expect(t).toMatch(/gateway_ack_rtt_seconds_bucket\{le="0.0025"\} 5/);

    h.brokers[0]!.kill();
    h.clock.advance(10);
    t = await text();
    expect(t).toMatch(/gateway_reconnects_total\{path="primary"\} 1/);
    expect(t).toMatch(/gateway_path_in_use 0/);
    await h.gw.stop();
  });

  it("counts NAKs by reason and refused downlinks by code", async () => {
    const h = harness();
    await h.gw.start();
    h.clock.advance(1);
    h.centre.mode = { kind: "nak", reason: "unknown-key", times: 1 };
    h.gw.report(ev(Cid.Burglary, { zone: 1 }));
    h.down({ cmd: { id: "x", exp: h.clock.now() + 60_000, type: "status-request" } }, { retain: true });
    h.clock.advance(10);
    const t = await h.gw.metrics.registry.metrics();
    expect(t).toMatch(/gateway_naks_total\{reason="unknown-key"\} 1/);
    expect(t).toMatch(/gateway_downlink_refused_total\{code="retained"\} 1/);
    await h.gw.stop();
  });

  it("two gateways in one process keep separate registries", async () => {
    const a = harness();
    const b = harness();
    expect(a.gw.metrics.registry).not.toBe(b.gw.metrics.registry);
    a.gw.report(ev(Cid.Burglary, { zone: 1 }));
    expect(await a.gw.metrics.registry.metrics()).toMatch(/gateway_outbox_depth\{class="alarm"\} 1/);
    expect(await b.gw.metrics.registry.metrics()).toMatch(/gateway_outbox_depth\{class="alarm"\} 0/);
    await a.gw.stop();
    await b.gw.stop();
  });
});
