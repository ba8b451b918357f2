/**
 * The gateway through a stock Mosquitto (the centre's shipped configuration: TLS client certificates,
 * CN as username and client id, dynamic-security roles) speaking MQTT 5 (clean start false, session expiry),
 * with the broker restarted mid-stream: every event stored exactly once, in order within its class.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cid, Qualifier, type Event } from "../../protocol/index.js";
import { Gateway } from "../../gateway/gateway.js";
import { startMosquitto, type RunningMosquitto } from "../../simulator/centre/broker/broker-mosquitto.js";
import { createCa, issueCertificate, type KeyAndCert } from "../../simulator/centre/pki/pki.js";
import { checkDelivery } from "./delivery.js";
import { TestCentre } from "./test-centre.js";
import { until } from "./until.js";
import { testKeys } from "./keys.js";

let ca: KeyAndCert;
let server: KeyAndCert;
let broker: RunningMosquitto;
let centre: TestCentre;
const keys = testKeys("mp1-key", "centre");

beforeAll(async () => {
  ca = createCa();
  server = issueCertificate(ca, { cn: "localhost", role: "server", dns: ["localhost"], ips: ["127.0.0.1"] });
  broker = await startMosquitto({ ca, server, panels: ["mp1"] });
  const rc = issueCertificate(ca, { cn: "receiver-1", role: "receiver" });
  centre = new TestCentre({
    signer: keys.centre,
    brokers: { urls: [`mqtts://localhost:${broker.port}`], connect: { protocolVersion: 5, key: rc.keyPem, cert: rc.certPem, ca: ca.certPem } },
    names: ["receiver-1"],
  });
  centre.register("mp1", "mp1-key", keys.panelPublic);
  await centre.started();
});

afterAll(async () => {
  await centre?.close();
  await broker?.close();
});

const eventFor = (i: number): Event =>
  i % 2 === 0
    ? { code: Cid.Burglary, q: Qualifier.New, area: 1, zone: 1 + (i % 999), at: 1_700_000_000_000 + i }
    : { code: Cid.OpenClose, q: Qualifier.Restore, area: 1, user: 1 + (i % 999), at: 1_700_000_000_000 + i };

describe("gateway through Mosquitto (MQTT 5, TLS client certificate, shipped ACL)", () => {
  it("delivers every event exactly once across a broker restart", async () => {
    const pc = issueCertificate(ca, { cn: "mp1", role: "panel" });
    const gw = new Gateway({
      panel: "mp1",
      signer: keys.panel,
      centreKey: keys.centrePublic,
      db: ":memory:",
      brokers: [{ url: `mqtts://localhost:${broker.port}`, key: pc.keyPem, cert: pc.certPem, ca: ca.certPem }],
      category: "SP6",
      ackTimeoutMs: 400,
      backoff: { baseMs: 50, capMs: 300 },
      status: () => ({ areas: [], troubles: [] }),
      onCommand: (cmd) => ({ id: cmd.id, ok: true }),
      onLink: () => {},
    });
    await gw.start();
    try {
      await until(() => gw.activePath === 0, 10_000, "connected");
      const n = 300;
      for (let i = 0; i < n; i++) {
        gw.report(eventFor(i));
        if (i % 10 === 0) await new Promise((r) => setTimeout(r, 2));
        if (i === 120) {
          const port = broker.port;
          await broker.close();
          await until(() => !gw.linkUp, 10_000, "link loss noticed");
          broker = await startMosquitto({ ca, server, port, panels: ["mp1"] });
        }
      }
      await until(() => gw.depth().total === 0, 30_000, "drained");
      const stored = centre.events("mp1").filter((e) => e.code !== Cid.CommTrouble);
      checkDelivery(stored, Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i));
      expect(centre.events("mp1").filter((e) => e.code === Cid.CommTrouble).map((e) => e.q)).toEqual([1, 3]);
    } finally {
      await gw.stop();
    }
  });
});
