/**
 * The alarm path through a stock Mosquitto (Debian package) started with the shipped configuration:
 * TLS client certificates, the pattern ACL, native MQTT v5 shared subscriptions, and the CRL. No skip:
 * without the binary this fails and says what to install.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mqtt from "mqtt";
import { startMosquitto, type RunningMosquitto } from "../../simulator/centre/broker/broker-mosquitto.js";
import { cutOffClient } from "../../simulator/centre/broker/dynsec-control.js";
import { ADMIN_CLIENT } from "../../simulator/centre/broker/mosquitto-dynsec.js";
import { issueCentreClient } from "../../simulator/centre/pki/provisioning.js";
import type { KeyAndCert } from "../../simulator/centre/pki/pki.js";
import { Receiver } from "../../simulator/centre/receiver/receiver.js";
import { makeCentre, type CentreFixture } from "./fixture.js";
import { TestPanel, burglary } from "./test-panel.js";

let fx: CentreFixture;
let broker: RunningMosquitto;
let url: string;
const receivers: Record<string, KeyAndCert> = {};

beforeAll(async () => {
  fx = makeCentre([{ id: "M1" }, { id: "M2" }, { id: "M3" }]);
  const s = fx.openStore();
  for (const name of ["receiver-1", "receiver-2"]) receivers[name] = issueCentreClient(fx.centre, s, "receiver", name);
  s.registry.revoke("M3", Date.now());
  broker = await startMosquitto({ ca: fx.centre.ca, server: fx.centre.server, revoked: s.registry.revokedCertificates(), panels: ["M1", "M2", "M3"] });
  url = `mqtts://localhost:${broker.port}`;
});
afterAll(async () => {
  await broker?.close();
  fx?.cleanup();
});

const tls = (key: string, cert: string) => ({ key, cert, ca: fx.centre.ca.certPem, protocolVersion: 5 as const });

function receiver(name: string): Receiver {
  const kc = receivers[name]!;
  return new Receiver({ url, store: fx.openStore(), centreKey: fx.signer, name, connect: tls(kc.keyPem, kc.certPem) });
}
const panel = (id: string) => {
  const p = fx.panels[id]!;
  return TestPanel.connect({ url, panel: id, signer: p.signer, centre: fx.centrePublic, connect: tls(p.tls.key, p.tls.cert) });
};

describe("alarm path through Mosquitto", () => {
  it("a panel's signed frame is stored and ACKed through the shipped config (TLS, ACL, $share)", async () => {
    const r = receiver("receiver-1");
    const stored: number[] = [];
    r.on("stored", (_p, seq) => stored.push(seq));
    await r.start();
    const p = await panel("M1");
    const seq = await p.deliver(burglary(5, Date.now()));
    expect(stored).toEqual([seq]);
    await p.close();
    await r.stop();
  });

  it("two receivers split the load through Mosquitto's native shared subscription; nothing handled twice", async () => {
    const rs = [receiver("receiver-1"), receiver("receiver-2")];
    const seen = new Map<number, string[]>();
    for (const r of rs) r.on("stored", (_p, seq) => seen.set(seq, [...(seen.get(seq) ?? []), r.name]));
    await Promise.all(rs.map((r) => r.start()));
    const p = await panel("M2");
    const N = 60;
    for (let i = 0; i < N; i++) void p.send(burglary(1, Date.now()), { seq: 100 + i });
    await p.until(() => p.acked.size >= N, 15_000);
    expect(seen.size).toBe(N);
    expect([...seen.values()].every((v) => v.length === 1)).toBe(true);
    const names = [...seen.values()].flat();
    expect(names.filter((n) => n === "receiver-1").length).toBeGreaterThan(0);
    expect(names.filter((n) => n === "receiver-2").length).toBeGreaterThan(0);
    await p.close();
    await Promise.all(rs.map((r) => r.stop()));
  });

  it("a panel may subscribe only to its own down topic: the shared uplink group and another panel's down topic are refused and deliver nothing", async () => {
    const p = await panel("M1");
    const got: string[] = [];
    p.client.on("message", (t) => got.push(t));
    // The dynamic-security plugin refuses the SUBSCRIBE itself: SUBACK reason 0x87 (MQTT v5 §3.9.3).
    const reasons: number[] = [];
    p.client.on("packetreceive", (pkt) => {
      if (pkt.cmd === "suback") reasons.push(...(pkt.granted as number[]));
    });
    for (const f of ["$share/centre/alarm/v1/+/up", "alarm/v1/+/up", "alarm/v1/M2/down"]) await p.client.subscribeAsync(f, { qos: 1 }).catch(() => undefined);
    expect(reasons).toEqual([0x87, 0x87, 0x87]);
    const r = receiver("receiver-1");
    const stored: number[] = [];
    r.on("stored", (_p, seq) => stored.push(seq));
    await r.start();
    const victim = await panel("M2");
    const seq = await victim.deliver(burglary(2, Date.now()));
    const kc = receivers["receiver-2"]!;
    const centre = await mqtt.connectAsync(url, { ...tls(kc.keyPem, kc.certPem), reconnectPeriod: 0 });
    await centre.publishAsync("alarm/v1/M2/down", "for M2", { qos: 1 });
    await centre.publishAsync("alarm/v1/M1/down", "for M1", { qos: 1 });
    await expect.poll(() => got).toEqual(["alarm/v1/M1/down"]);
    expect(stored).toEqual([seq]);
    // MQTT v5: an unauthorised publish gets PUBACK reason 0x87 and goes nowhere.
    await expect(p.client.publishAsync("alarm/v1/M2/up", "forged", { qos: 1 })).rejects.toThrow(/135|not authori[sz]ed/i);
    await centre.endAsync();
    await victim.close();
    await r.stop();
    await p.close();
  });

  it("a revoked panel is cut off while Mosquitto runs: through $CONTROL it is disconnected and, connecting again, may do nothing", async () => {
    const p = await panel("M2");
    const closed = new Promise<void>((resolve) => p.client.once("close", () => resolve()));
    const s = fx.openStore();
    const admin = issueCentreClient(fx.centre, s, "operator", ADMIN_CLIENT);
    await cutOffClient({ url, key: admin.keyPem, cert: admin.certPem, ca: fx.centre.ca.certPem }, "M2");
    await closed;
    // Connecting again (Mosquitto reads the CRL only at start) gives no right: no subscription, no publish.
    const again = await mqtt.connectAsync(url, { ...tls(fx.panels.M2!.tls.key, fx.panels.M2!.tls.cert), clientId: "M2", reconnectPeriod: 0 });
    const reasons: number[] = [];
    again.on("packetreceive", (pkt) => {
      if (pkt.cmd === "suback") reasons.push(...(pkt.granted as number[]));
    });
    await again.subscribeAsync("alarm/v1/M2/down", { qos: 1 }).catch(() => undefined);
    expect(reasons).toEqual([0x87]);
    await expect(again.publishAsync("alarm/v1/M2/up", "after revocation", { qos: 1 })).rejects.toThrow(/135|not authori[sz]ed/i);
    await again.endAsync(true);
    await p.client.endAsync(true);
  });

  it("refuses a panel whose certificate is on the CRL", async () => {
    const p = fx.panels.M3!;
    const c = mqtt.connect(url, { ...tls(p.tls.key, p.tls.cert), clientId: "M3", reconnectPeriod: 0, connectTimeout: 3000 });
    const outcome = await new Promise<string>((resolve) => {
      c.once("connect", () => resolve("connected"));
      c.once("error", (e) => resolve(`error: ${e.message}`));
      c.once("close", () => resolve("closed"));
    });
    c.end(true);
    // TLS alert 44 certificate_revoked (RFC 5246 §7.2.2), from Mosquitto's check against crl.pem.
    expect(outcome).toMatch(/certificate revoked/i);
  });
});
