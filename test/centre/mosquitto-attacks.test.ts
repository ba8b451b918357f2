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
import { Gateway } from "../../gateway/gateway.js";
import { Cid, Qualifier, type Event } from "../../protocol/index.js";
import { until } from "../gateway/until.js";
import { testGatewayOptions } from "../support/test-gateway-options.js";
import { makeCentre, type CentreFixture } from "./fixture.js";
import { TestPanel, burglary } from "./test-panel.js";

let fx: CentreFixture;
let broker: RunningMosquitto;
let url: string;
let receiverCert: KeyAndCert;
let receiverCert2: KeyAndCert;

beforeAll(async () => {
  fx = makeCentre([{ id: "A1" }, { id: "A2" }, { id: "A3", category: "SP6" }]);
  const s = fx.openStore();
  receiverCert = issueCentreClient(fx.centre, s, "receiver", "receiver-1");
  receiverCert2 = issueCentreClient(fx.centre, s, "receiver", "receiver-2");
  broker = await startMosquitto({ ca: fx.centre.ca, server: fx.centre.server, revoked: s.registry.revokedCertificates(), panels: ["A1", "A2", "A3"] });
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
    await until(() => r.intakeStats.unverified + r.intakeStats.overBudget + r.intakeStats.queueFull >= N, 20_000, "flood taken in");
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

  it("NAK bait through Mosquitto: junk frames with A3's next seqs from A3's own certificate park nothing; all 100 events arrive (the outage case: nak-bait.test.ts on aedes)", async () => {
    const r = new Receiver({ url, store: fx.openStore(), centreKey: fx.signer, name: "receiver-2", reconnectDelayMs: 100, flood: { burst: 10_000 }, supervise: false, connect: tls(receiverCert2.keyPem, receiverCert2.certPem) });
    const stored = new Set<number>();
    r.on("stored", (_p, seq) => stored.add(seq));
    await r.start();
    const a3 = fx.panels.A3!;
    const gw = new Gateway(
      testGatewayOptions({ panel: "A3", signer: a3.signer, centreKey: fx.centrePublic, db: ":memory:", brokers: [{ url, key: a3.tls.key, cert: a3.tls.cert, ca: fx.centre.ca.certPem }], backoff: { baseMs: 50, capMs: 300 } }),
    );
    const rejected: number[] = [];
    gw.on("rejected", (e) => rejected.push(e.seq));
    const rogue = { kid: a3.signer.kid, key: privateKeyFromPem(generateEd25519().privatePem) };
    const event = (i: number): Event => ({ code: Cid.Burglary, q: Qualifier.New, area: 1, zone: 1 + (i % 99), at: Date.now() });
    // Mosquitto forces the client id to the CN, so each bait round takes the session over for a moment
    // (the gateway reconnects): publish junk for the next seqs, then leave.
    // The gateway, reconnecting, takes the session back at any moment: the bait waits for its PUBACKs or
    // for being thrown out, whichever comes first (at most 2 s), never for an answer that cannot come.
    const bait = async (seq: number) => {
      const c = await mqtt.connectAsync(url, { ...panelTls("A3"), clientId: "A3", reconnectPeriod: 0 });
      const sent = Array.from({ length: 6 }, (_, k) =>
        new Promise<void>((res) => c.publish(topics.up("A3"), Buffer.from(sealUplink({ v: 1, panel: "A3", seq: seq + k, sent: Date.now(), events: [event(seq + k)] }, rogue)), { qos: 1 }, () => res())),
      );
      await Promise.race([Promise.all(sent), new Promise<void>((res) => c.once("close", () => res())), new Promise((res) => setTimeout(res, 2000))]);
      c.end(true);
    };
    await gw.start();
    const seqs: number[] = [];
    try {
      await until(() => gw.activePath === 0, 30_000, "gateway connected");
      for (let i = 0; i < 100; i++) {
        seqs.push(gw.report(event(i)));
        if (i % 20 === 0) await bait(seqs.at(-1)!);
        if (i % 10 === 0) await new Promise((res) => setTimeout(res, 20));
      }
      await until(() => gw.depth().total === 0, 45_000, "outbox drained");
      expect(seqs.filter((s) => !stored.has(s))).toEqual([]);
      expect(rejected).toEqual([]);
      expect(r.stats.naks).toBe(0);
      expect(r.intakeStats.unverified).toBeGreaterThan(0);
    } finally {
      await gw.stop();
      await r.stop();
    }
  }, 90_000);
});
