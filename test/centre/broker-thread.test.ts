/**
 * The embedded broker on its own thread: the login and the revocation check rebuilt inside the thread
 * from the store location and the centre directory refuse what the in-process broker refuses (a wrong
 * password, a revoked certificate at once on SQLite), a revocation cuts the open session at the first
 * reload on the parent's FakeClock and not before, a start error comes back with its code, and close()
 * leaves no thread behind.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { FakeClock } from "../../protocol/clock.js";
import { startBrokerThread, type BrokerThread } from "../../simulator/centre/broker/broker-thread.js";
import { MemoryLogger } from "../../simulator/centre/logger.js";
import type { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { makeCentre, type CentreFixture } from "./fixture.js";

const PERIOD = 1_000;
let fx: CentreFixture;
let store: CentreStore;
let broker: BrokerThread;
const log = new MemoryLogger();
const clock = new FakeClock();
const clients: MqttClient[] = [];

beforeAll(async () => {
  fx = makeCentre([{ id: "A" }, { id: "B" }, { id: "C" }]);
  store = fx.openStore();
  const c = fx.centre;
  broker = await startBrokerThread({
    login: { kind: "registry", store: c.dbPath },
    tls: { key: c.server.keyPem, cert: c.server.certPem, ca: c.ca.certPem },
    revocation: { store: c.dbPath, dir: c.dir, everyMs: PERIOD },
    logger: log,
    clock,
  });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await broker.close();
  fx.cleanup();
});

const until = async (what: () => boolean) => {
  while (!what()) await new Promise((r) => setTimeout(r, 10));
};
const tlsOf = (id: string) => ({ tls: true, clientId: id, key: fx.panels[id]!.tls.key, cert: fx.panels[id]!.tls.cert, ca: fx.centre.ca.certPem });

/** The client once connected, or how the attempt ended. */
function attempt(o: IClientOptions & { tls?: boolean }): Promise<MqttClient | string> {
  const url = o.tls ? `mqtts://localhost:${broker.tlsPort}` : `mqtt://127.0.0.1:${broker.port}`;
  const c = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 3000, ...o });
  clients.push(c);
  return new Promise((resolve) => {
    c.once("connect", () => resolve(c));
    c.once("error", (e) => resolve(`error: ${e.message}`));
    c.once("close", () => resolve("closed"));
  });
}

describe("the broker on its own thread", () => {
  it("takes a panel's provisioned password and refuses a wrong one, logged through the parent's logger", async () => {
    expect(typeof (await attempt({ clientId: "A", username: "A", password: fx.panels.A!.bundle.password! }))).toBe("object");
    expect(await attempt({ clientId: "A2", username: "A", password: "not-it" })).toMatch(/Bad username or password/i);
    await until(() => log.matching(/login refused/).length > 0);
    expect(log.matching(/login refused/)[0]!.fields).toMatchObject({ username: "A", via: "tcp" });
  });

  it("refuses a certificate revoked in the store at its next connect, before any reload", async () => {
    const good = await attempt(tlsOf("B"));
    expect(typeof good).toBe("object");
    await (good as MqttClient).endAsync();
    store.registry.revoke("B", Date.now());
    expect(await attempt(tlsOf("B"))).toMatch(/closed|error/);
    await until(() => log.matching(/revoked certificate refused/).length > 0);
  });

  it("cuts the open session of a revoked certificate at the first reload on the parent's clock, not before", async () => {
    const c = await attempt(tlsOf("C"));
    expect(typeof c).toBe("object");
    store.registry.revoke("C", Date.now());
    const cut = () => log.matching(/client with a revoked certificate disconnected/).map((l) => l.fields?.clientId);
    clock.advance(PERIOD - 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(cut()).toEqual([]);
    expect((c as MqttClient).connected).toBe(true);
    clock.advance(1);
    await until(() => cut().length === 1);
    expect(cut()).toEqual(["C"]);
  });

  it("kicks by identity name: one for a connected panel, none for an unknown name", async () => {
    expect(typeof (await attempt({ clientId: "A", username: "A", password: fx.panels.A!.bundle.password! }))).toBe("object");
    expect(await broker.kick("A")).toBe(1);
    expect(await broker.kick("nobody")).toBe(0);
  });

  it("a port in use comes back as EADDRINUSE, the thread gone", async () => {
    const err = await startBrokerThread({ port: broker.port!, login: { kind: "by-username" } }).catch((e: unknown) => e as NodeJS.ErrnoException);
    expect(err).toBeInstanceOf(Error);
    expect((err as NodeJS.ErrnoException).code).toBe("EADDRINUSE");
  });

  it("bad TLS material comes back as an error, not a hung thread", async () => {
    const err = await startBrokerThread({ port: null, tls: { key: "not a key", cert: "not a cert", ca: fx.centre.ca.certPem } }).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).not.toBe("");
  });

  it("close() ends the thread (exit code 0); kicks afterwards answer none", async () => {
    const b = await startBrokerThread({ login: { kind: "by-username" } });
    let exited: number | undefined;
    void b.exited.then((code) => (exited = code));
    expect(exited).toBeUndefined();
    await b.close();
    expect(await b.exited).toBe(0);
    expect(exited).toBe(0);
    expect(await b.kick("anyone")).toBe(0);
  });
});
