/**
 * The attacks of one panel's broker certificate (not its frame key), through a stock Mosquitto with the
 * shipped configuration: a junk flood does not delay another panel's alarm beyond the flooding panel's
 * budget (counted in frames, on a receiver clock that does not move, so the budget never refills), junk
 * frames get no answer, an oversize packet ends the connection, and the certificate cannot take over
 * another panel's session.
 */
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import { generateEd25519, privateKeyFromPem, sealUplink, topics } from "../../protocol/index.js";
import { startMosquitto, type RunningMosquitto } from "../../simulator/centre/broker/broker-mosquitto.js";
import { issueCentreClient } from "../../simulator/centre/pki/provisioning.js";
import type { KeyAndCert } from "../../simulator/centre/pki/pki.js";
import { Receiver } from "../../simulator/centre/receiver/receiver.js";
import { until } from "../gateway/fake-centre.js";
import { makeCentre, type CentreFixture } from "./fixture.js";
import { TestPanel, burglary } from "./test-panel.js";

let fx: CentreFixture;
let broker: RunningMosquitto;
let url: string;
let receiverCert: KeyAndCert;

beforeAll(async () => {
  fx = makeCentre([{ id: "A1" }, { id: "A2" }]);
  const s = fx.openStore();
  receiverCert = issueCentreClient(fx.centre, s, "receiver", "receiver-1");
  broker = await startMosquitto({ ca: fx.centre.ca, server: fx.centre.server, revoked: s.registry.revokedCertificates() });
  url = `mqtts://localhost:${broker.port}`;
});
afterAll(async () => {
  await broker?.close();
  fx?.cleanup();
});

const tls = (key: string, cert: string, protocolVersion: 4 | 5 = 5) => ({ key, cert, ca: fx.centre.ca.certPem, protocolVersion });
const panelTls = (id: string, v: 4 | 5 = 5) => tls(fx.panels[id]!.tls.key, fx.panels[id]!.tls.cert, v);

describe("attacks through Mosquitto", () => {
  it("a junk flood from A1's certificate: A2's alarm is stored after at most A1's budget (20) of verified junk frames; no junk answered; one flooding alarm", async () => {
    const clock = new FakeClock(Date.now()); // the budget never refills: the bound is the burst itself
    const store = fx.openStore();
    const r = new Receiver({ url, store, centreKey: fx.signer, name: "receiver-1", clock, supervise: false, connect: tls(receiverCert.keyPem, receiverCert.certPem) });
    let verifiedJunk = 0;
    let junkWhenAlarmStored: number | undefined;
    r.on("dropped", (topic, code) => topic === topics.up("A1") && code === "bad-signature" && verifiedJunk++);
    r.on("stored", (panel) => panel === "A2" && (junkWhenAlarmStored ??= verifiedJunk));
    await r.start();
    const a2 = await TestPanel.connect({ url, panel: "A2", signer: fx.panels.A2!.signer, centre: fx.centrePublic, connect: panelTls("A2") });
    const attacker = await mqtt.connectAsync(url, { ...panelTls("A1"), clientId: "A1", reconnectPeriod: 0 });
    const rogue = { kid: fx.panels.A1!.signer.kid, key: privateKeyFromPem(generateEd25519().privatePem) };
    const junk = (seq: number) => Buffer.from(sealUplink({ v: 1, panel: "A1", seq, sent: Date.now(), ...burglary(1, Date.now()) } as never, rogue));
    const N = 4000;
    for (let i = 0; i < N; i++) {
      attacker.publish(topics.up("A1"), junk(i), { qos: 1 });
      if (i === N / 2) void a2.send(burglary(2, Date.now()), { seq: 0 });
    }
    await a2.until(() => a2.acked.has(0), 20_000);
    await until(() => r.stats.unverified + r.stats.overBudget + r.stats.queueFull >= N, 20_000, "flood taken in");
    expect(junkWhenAlarmStored).toBeLessThanOrEqual(20);
    expect(verifiedJunk).toBeLessThanOrEqual(20);
    expect(r.stats.naks).toBe(0);
    expect(store.alarms.list().filter((a) => a.kind === "flooding").map((a) => a.panel)).toEqual(["A1"]);
    attacker.end(true);
    await a2.close();
    await r.stop();
  }, 60_000);

  it("a packet over max_packet_size ends the connection; a 4 KiB frame does not", async () => {
    const c = await mqtt.connectAsync(url, { ...panelTls("A1", 4), clientId: "A1", reconnectPeriod: 0 });
    let closed = false;
    c.on("close", () => (closed = true));
    await c.publishAsync(topics.up("A1"), Buffer.alloc(4096), { qos: 1 });
    expect(closed).toBe(false);
    c.publish(topics.up("A1"), Buffer.alloc(5000), { qos: 1 });
    await until(() => closed, 5000, "disconnected");
    c.end(true);
  });

  it("A1's certificate cannot take over A2's session: the client id is forced to the certificate's CN", async () => {
    const a2 = await mqtt.connectAsync(url, { ...panelTls("A2"), clientId: "A2", reconnectPeriod: 0 });
    let a2closed = false;
    a2.on("close", () => (a2closed = true));
    const a1 = await mqtt.connectAsync(url, { ...panelTls("A1"), clientId: "A2", reconnectPeriod: 0 });
    // A round trip on A2's own session proves it is still the one connected.
    await a2.subscribeAsync(topics.down("A2"), { qos: 1 });
    expect(a2closed).toBe(false);
    a1.end(true);
    a2.end(true);
  });
});
