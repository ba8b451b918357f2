/**
 * mqtts with a client certificate, against the centre's own broker (simulator/centre/broker/broker.ts: certificate
 * identity, topic ACL, TCP_NODELAY): the gateway delivers with its certificate and gets nowhere without.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cid, Qualifier } from "../../protocol/index.js";
import { Gateway } from "../../gateway/gateway.js";
import { startBroker, type RunningBroker } from "../../simulator/centre/broker/broker.js";
import { createCa, issueCertificate, type KeyAndCert } from "../../simulator/centre/pki/pki.js";
import { TestCentre } from "./test-centre.js";
import { until } from "./until.js";
import { testKeys } from "./keys.js";

let ca: KeyAndCert;
let broker: RunningBroker;
let centre: TestCentre;
const keys = testKeys("tp1-key", "centre");

beforeAll(async () => {
  ca = createCa();
  const server = issueCertificate(ca, { cn: "broker", role: "server", ips: ["127.0.0.1"] });
  broker = await startBroker({
    tls: { key: server.keyPem, cert: server.certPem, ca: ca.certPem },
    login: (username, password) => (username === "centre" && password === "pw" ? { name: "centre", role: "receiver" } : undefined),
  });
  centre = new TestCentre({ signer: keys.centre, brokers: { urls: [`mqtt://127.0.0.1:${broker.port}`], connect: { username: "centre", password: "pw" } }, names: ["test"] });
  centre.register("tp1", "tp1-key", keys.panelPublic);
  await centre.started();
});

afterAll(async () => {
  await centre.close();
  await broker.close();
});

function gateway(tls: { key?: string; cert?: string }) {
  return new Gateway({
    panel: "tp1",
    signer: keys.panel,
    centreKey: keys.centrePublic,
    db: ":memory:",
    brokers: [{ url: `mqtts://127.0.0.1:${broker.tlsPort}`, ca: ca.certPem, ...tls }],
    category: "SP6",
    ackTimeoutMs: 500,
    backoff: { baseMs: 50, capMs: 200 },
    status: () => ({ areas: [], troubles: [] }),
    onCommand: (cmd) => ({ id: cmd.id, ok: true }),
    onLink: () => {},
  });
}

describe("mqtts with a client certificate", () => {
  it("connects with its certificate and the centre stores the event", async () => {
    const client = issueCertificate(ca, { cn: "tp1", role: "panel" });
    const gw = gateway({ key: client.keyPem, cert: client.certPem });
    await gw.start();
    try {
      const seq = gw.report({ code: Cid.Fire, q: Qualifier.New, area: 1, zone: 4, at: Date.now() });
      await until(() => gw.depth().total === 0, 10_000, "acknowledged over TLS");
      expect(centre.events("tp1").map((e) => [e.seq, e.code])).toEqual([[seq, Cid.Fire]]);
    } finally {
      await gw.stop();
    }
  });

  it("gets nowhere without a client certificate: the broker refuses the handshake and the gateway keeps retrying", async () => {
    const gw = gateway({});
    await gw.start();
    try {
      gw.report({ code: Cid.Fire, q: Qualifier.New, area: 1, zone: 5, at: Date.now() });
      await until(async () => (await gw.metrics.registry.getSingleMetric("gateway_reconnects_total")!.get()).values.length > 0, 5000, "a retry");
      await new Promise((r) => setTimeout(r, 300));
      expect(gw.activePath).toBeUndefined();
      expect(gw.depth().total).toBe(1);
      expect(centre.events("tp1").some((e) => e.zone === 5)).toBe(false);
    } finally {
      await gw.stop();
    }
  });
});
