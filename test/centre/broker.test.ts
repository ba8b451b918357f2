/**
 * The embedded broker over real sockets: panel identity from TLS client certificates (revoked ones
 * refused at connect) or demo passwords, the topic ACL with every denial logged, and aedes' handling of
 * `$share/` subscriptions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Aedes } from "aedes";
import net from "node:net";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { startBroker, type RunningBroker } from "../../simulator/centre/broker/broker.js";
import { passwordLogin } from "../../simulator/centre/broker/broker-login.js";
import { MemoryLogger } from "../../simulator/centre/logger.js";
import { createCa, issueCertificate } from "../../simulator/centre/pki/pki.js";
import type { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { makeCentre, type CentreFixture } from "./fixture.js";

let fx: CentreFixture;
let store: CentreStore;
let broker: RunningBroker;
const log = new MemoryLogger();
const clients: MqttClient[] = [];
const receiverLogin = { username: "receiver", password: "pw", identity: { role: "receiver" as const, name: "r" } };

beforeAll(async () => {
  fx = makeCentre([{ id: "A" }, { id: "B" }]);
  store = fx.openStore();
  const c = fx.centre;
  broker = await startBroker({
    login: passwordLogin(store.registry, [receiverLogin]),
    tls: { key: c.server.keyPem, cert: c.server.certPem, ca: c.ca.certPem, isRevoked: (s) => store.registry.isCertificateRevoked(s) },
    logger: log,
  });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await broker.close();
  fx.cleanup();
});

async function connect(o: IClientOptions & { tls?: boolean }): Promise<MqttClient> {
  const url = o.tls ? `mqtts://localhost:${broker.tlsPort}` : `mqtt://127.0.0.1:${broker.port}`;
  const c = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 3000, ...o });
  clients.push(c);
  return c;
}
/** Resolves with how the connection ended when it never reaches CONNACK; rejects if it connects. */
function refused(o: IClientOptions & { tls?: boolean }): Promise<string> {
  const url = o.tls ? `mqtts://localhost:${broker.tlsPort}` : `mqtt://127.0.0.1:${broker.port}`;
  const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 3000, ...o });
  clients.push(c);
  return new Promise((resolve, reject) => {
    c.once("connect", () => reject(new Error("connected, but should have been refused")));
    c.once("error", (e) => resolve(`error: ${e.message}`));
    c.once("close", () => resolve("closed"));
  });
}
const panelTls0 = (id: string) => ({ tls: true, clientId: id, key: fx.panels[id]!.tls.key, cert: fx.panels[id]!.tls.cert, ca: fx.centre.ca.certPem });
const panelTcp = (id: string) => connect({ clientId: id, username: id, password: fx.panels[id]!.bundle.password! });
const panelTls = (id: string) => connect({ tls: true, clientId: id, key: fx.panels[id]!.tls.key, cert: fx.panels[id]!.tls.cert, ca: fx.centre.ca.certPem });
const receiverTcp = (name: string) => connect({ clientId: `receiver@${name}`, username: "receiver", password: "pw" });

function collect(c: MqttClient): string[] {
  const got: string[] = [];
  c.on("message", (t, m) => got.push(`${t} ${m.toString()}`));
  return got;
}

describe("panel authentication", () => {
  it("a panel logs in with its TLS certificate, its CN is its identity", async () => {
    const a = await panelTls("A");
    await a.publishAsync("alarm/v1/A/status", "online", { qos: 1, retain: true });
    expect(a.connected).toBe(true);
  });

  it("refuses a revoked certificate at connect, and logs it", async () => {
    const before = await panelTls("B"); // still good
    await before.endAsync();
    store.registry.revoke("B", Date.now());
    await expect(refused(panelTls0("B"))).resolves.toBe("error: Connection refused: Not authorized");
    expect(log.matching(/revoked certificate refused/).length).toBeGreaterThan(0);
  });

  it("kick() ends the sessions an identity already has open (revocation is checked at connect)", async () => {
    const a = await panelTls("A");
    const closed = new Promise<void>((r) => a.once("close", () => r()));
    expect(broker.kick("A")).toBe(1);
    await closed;
    expect(log.matching(/disconnected by the centre/).some((l) => l.fields?.name === "A")).toBe(true);
  });

  it("refuses a certificate from another CA during the handshake", async () => {
    const rogue = createCa({ cn: "rogue" });
    const cert = issueCertificate(rogue, { cn: "A", role: "panel" });
    await expect(refused({ tls: true, clientId: "A", key: cert.keyPem, cert: cert.certPem, ca: fx.centre.ca.certPem })).resolves.toMatch(/closed|error/);
    expect(log.matching(/TLS handshake refused/).length).toBeGreaterThan(0);
  });

  it("refuses a wrong password and a client id belonging to another identity", async () => {
    await expect(connect({ clientId: "A", username: "A", password: "wrong" })).rejects.toThrow(/Bad username or password/i);
    await expect(connect({ clientId: "B", username: "A", password: fx.panels.A!.bundle.password! })).rejects.toThrow();
    expect(log.matching(/login refused/).length).toBeGreaterThan(0);
    expect(log.matching(/client id refused/).length).toBeGreaterThan(0);
  });
});

describe("topic ACL over the wire", () => {
  it("panel A cannot publish to B's uplink: nothing is delivered and the denial is logged", async () => {
    const r = await receiverTcp("acl");
    const got = collect(r);
    await r.subscribeAsync("alarm/v1/+/up", { qos: 1 });
    const a = await panelTcp("A");
    await a.publishAsync("alarm/v1/B/up", "forged", { qos: 1 });
    await a.publishAsync("alarm/v1/A/up", "genuine", { qos: 1 });
    await expect.poll(() => got).toEqual(["alarm/v1/A/up genuine"]);
    expect(log.matching(/publish denied/).some((l) => l.fields?.topic === "alarm/v1/B/up" && l.fields?.name === "A")).toBe(true);
    expect(a.connected).toBe(true); // acknowledged and discarded, so a QoS 1 client does not resend it forever
  });

  it("a grant is remembered per topic and retain flag only: after the genuine uplink, a retained one and a forged one are still refused", async () => {
    const r = await receiverTcp("acl-cache");
    const got = collect(r);
    await r.subscribeAsync("alarm/v1/+/up", { qos: 1 });
    const a = await panelTcp("A");
    await a.publishAsync("alarm/v1/A/up", "first", { qos: 1 });
    await a.publishAsync("alarm/v1/A/up", "retained", { qos: 1, retain: true });
    await a.publishAsync("alarm/v1/B/up", "forged", { qos: 1 });
    await a.publishAsync("alarm/v1/A/up", "second", { qos: 1 });
    await expect.poll(() => got).toEqual(["alarm/v1/A/up first", "alarm/v1/A/up second"]);
    expect(log.matching(/publish denied/).filter((l) => l.fields?.name === "A" && ["alarm/v1/A/up", "alarm/v1/B/up"].includes(l.fields?.topic as string)).length).toBeGreaterThanOrEqual(2);
  });

  it("panel A cannot subscribe to B's downlink (SUBACK 0x80) and the denial is logged", async () => {
    const a = await panelTcp("A");
    await expect(a.subscribeAsync("alarm/v1/B/down", { qos: 1 })).rejects.toThrow();
    await expect(a.subscribeAsync("alarm/v1/A/down", { qos: 1 })).resolves.toEqual([{ topic: "alarm/v1/A/down", qos: 1 }]);
    expect(log.matching(/subscribe denied/).some((l) => l.fields?.topic === "alarm/v1/B/down")).toBe(true);
  });

  it("a receiver's retained downlink is refused (a retained command would act at every reconnect)", async () => {
    const a = await panelTcp("A");
    const got = collect(a);
    await a.subscribeAsync("alarm/v1/A/down", { qos: 1 });
    const r = await receiverTcp("retain");
    await r.publishAsync("alarm/v1/A/down", "retained", { qos: 1, retain: true });
    await r.publishAsync("alarm/v1/A/down", "plain", { qos: 1 });
    await expect.poll(() => got).toEqual(["alarm/v1/A/down plain"]);
  });
});

describe("aedes and $share", () => {
  it("bare aedes 1.x (no shared-subscription support) delivers nothing to a $share filter: why broker-shared.ts exists", async () => {
    const bare = await Aedes.createBroker();
    const server = net.createServer((s) => bare.handle(s));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    const sub = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    const plain = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    const shared: string[] = [];
    const direct: string[] = [];
    sub.on("message", (t) => shared.push(t));
    plain.on("message", (t) => direct.push(t));
    await sub.subscribeAsync("$share/g/alarm/v1/+/up", { qos: 1 });
    await plain.subscribeAsync("alarm/v1/+/up", { qos: 1 });
    await plain.publishAsync("alarm/v1/X/up", "m", { qos: 1 });
    await expect.poll(() => direct).toEqual(["alarm/v1/X/up"]);
    expect(shared).toEqual([]);
    await Promise.all([sub.endAsync(), plain.endAsync()]);
    await new Promise<void>((r) => server.close(() => r()));
    await new Promise<void>((r) => bare.close(() => r()));
  });

  it("aedes 1.x takes $share/ literally, so the broker implements the group: each message reaches exactly one member", async () => {
    const [r1, r2] = await Promise.all([receiverTcp("s1"), receiverTcp("s2")]);
    const g1 = collect(r1);
    const g2 = collect(r2);
    for (const r of [r1, r2]) expect(await r.subscribeAsync("$share/g/alarm/v1/+/up", { qos: 1 })).toEqual([{ topic: "$share/g/alarm/v1/+/up", qos: 1 }]);
    const a = await panelTcp("A");
    for (let i = 0; i < 20; i++) await a.publishAsync("alarm/v1/A/up", `m${i}`, { qos: 1 });
    await expect.poll(() => g1.length + g2.length).toBe(20);
    expect(new Set([...g1, ...g2]).size).toBe(20);
    expect(g1.length).toBe(10);
    await r2.endAsync();
    for (let i = 20; i < 25; i++) await a.publishAsync("alarm/v1/A/up", `m${i}`, { qos: 1 });
    await expect.poll(() => g1.length).toBe(15); // the remaining member gets everything
  });
});
