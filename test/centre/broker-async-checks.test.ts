/**
 * The embedded broker's checks that need the store, without blocking it: a password login answered by a
 * promise (the store port's checkPassword) lets other clients connect meanwhile; a store that cannot
 * answer refuses the login as "server unavailable" (MQTT 3.1.1 §3.2.2.3, code 3), not as a bad password;
 * and the sessions of a newly revoked certificate are cut by serial.
 */
import { X509Certificate } from "node:crypto";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../simulator/centre/broker/broker.js";
import { passwordLogin } from "../../simulator/centre/broker/broker-login.js";
import { MemoryLogger } from "../../simulator/centre/logger.js";
import { makeCentre, type CentreFixture } from "./fixture.js";

let fx: CentreFixture;
let broker: RunningBroker;
const log = new MemoryLogger();
const clients: MqttClient[] = [];
let releaseSlow: (ok: boolean) => void = () => {};
const slow = new Promise<boolean>((r) => (releaseSlow = r));

beforeAll(async () => {
  fx = makeCentre([{ id: "A" }]);
  const c = fx.centre;
  // Stands in for the port's registry: "slow" waits for the test, "down" is a store that cannot answer.
  const registry = {
    checkPassword: (panel: string, password: string): Promise<boolean> =>
      panel === "slow" ? slow : panel === "down" ? Promise.reject(new Error("store-unavailable: PostgreSQL unreachable")) : Promise.resolve(password === "right"),
  };
  broker = await startBroker({ login: passwordLogin(registry), tls: { key: c.server.keyPem, cert: c.server.certPem, ca: c.ca.certPem }, logger: log });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await broker.close();
  fx.cleanup();
});

function attempt(o: IClientOptions & { tls?: boolean }): Promise<{ ok: true; client: MqttClient } | { ok: false; how: string }> {
  const url = o.tls ? `mqtts://localhost:${broker.tlsPort}` : `mqtt://127.0.0.1:${broker.port}`;
  const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...o });
  clients.push(c);
  return new Promise((resolve) => {
    c.once("connect", () => resolve({ ok: true, client: c }));
    c.once("error", (e) => resolve({ ok: false, how: `error: ${e.message}` }));
    c.once("close", () => resolve({ ok: false, how: "closed" }));
  });
}

describe("the embedded broker's store-backed checks", () => {
  it("a login waiting on the store does not hold up other clients; it completes when the store answers", async () => {
    const waiting = attempt({ clientId: "slow", username: "slow", password: "x" });
    const other = await attempt({ clientId: "fast", username: "fast", password: "right" });
    expect(other.ok).toBe(true);
    releaseSlow(true);
    expect((await waiting).ok).toBe(true);
  });

  it("a wrong password is refused as such; a store that cannot answer is 'server unavailable', and logged", async () => {
    expect(await attempt({ clientId: "fast", username: "fast", password: "wrong" })).toEqual({ ok: false, how: expect.stringMatching(/Bad username or password/i) });
    expect(await attempt({ clientId: "down", username: "down", password: "x" })).toEqual({ ok: false, how: expect.stringMatching(/Server unavailable/i) });
    expect(log.matching(/login not checked/)[0]?.fields).toMatchObject({ username: "down" });
  });

  it("kickSerials cuts the sessions of those certificates only, whatever the case of the serial", async () => {
    const a = fx.panels["A"]!.tls;
    const panel = await attempt({ tls: true, clientId: "A", key: a.key, cert: a.cert, ca: a.ca });
    const other = await attempt({ clientId: "fast2", username: "fast2", password: "right" });
    expect(panel.ok && other.ok).toBe(true);
    if (!panel.ok || !other.ok) return;
    const closed = new Promise<void>((r) => panel.client.once("close", () => r()));
    const serial = new X509Certificate(a.cert).serialNumber;
    expect(broker.kickSerials(["ffff"])).toBe(0);
    expect(broker.kickSerials([serial.toLowerCase()])).toBe(1);
    await closed;
    expect(other.client.connected).toBe(true);
    expect(log.matching(/revoked certificate disconnected/)).toHaveLength(1);
  });
});
