/** Starting the services next to a centre: loopback, a bootstrap admin on a fresh database only. */
import { afterEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { FakeClock } from "../../protocol/clock.js";
import type { CentreStorePort } from "../../simulator/centre/store-pg/port.js";
import { freshCentreStore } from "../support/services-store.js";
import { TEST_SCRYPT } from "../../simulator/centre/services/secret-hash.js";
import { simulatedPorts } from "../../simulator/centre/services/simulated-ports.js";
import { startServices, type RunningServices } from "../../simulator/centre/services/start-services.js";

let running: RunningServices | undefined;
let centre: CentreStorePort | undefined;
afterEach(async () => {
  await running?.stop();
  await centre?.close();
});

describe("startServices on the centre's own store", () => {
  it("listens on 127.0.0.1, refuses a request without a session, and lets the bootstrap admin log in", async () => {
    centre = await freshCentreStore();
    const clock = new FakeClock();
    running = await startServices({ centre, ports: simulatedPorts(clock), clock, scrypt: TEST_SCRYPT, httpLogger: pino({ level: "silent" }), bootstrapAdmin: { username: "root", password: "first-login-pass" } });
    expect(running.api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${running.api.url}/api/installations`)).status).toBe(401);
    const login = await fetch(`${running.api.url}/api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "root", password: "first-login-pass" }) });
    expect(login.status).toBe(200);
    expect((await login.json()).role).toBe("admin");
  });

  it("does not create the bootstrap admin when operators exist", async () => {
    centre = await freshCentreStore();
    const clock = new FakeClock();
    const opts = { centre, ports: simulatedPorts(clock), clock, scrypt: TEST_SCRYPT, httpLogger: pino({ level: "silent" }) };
    running = await startServices({ ...opts, bootstrapAdmin: { username: "root", password: "first-login-pass" } });
    await running.stop();
    running = await startServices({ ...opts, bootstrapAdmin: { username: "other", password: "second-login-pass" } });
    expect((await running.services.operators.list()).map((o) => o.username)).toEqual(["root"]);
  });

  it("attaches only panels the centre has provisioned: an unknown id is 404, naming how to provision it", async () => {
    centre = await freshCentreStore();
    const clock = new FakeClock();
    running = await startServices({ centre, ports: simulatedPorts(clock), clock, scrypt: TEST_SCRYPT, httpLogger: pino({ level: "silent" }), bootstrapAdmin: { username: "root", password: "first-login-pass" } });
    await centre.registry.addPanel("P1", "SP4", clock.now());
    const inst = await running.services.installations.create("root", { name: "Shop", address: "2 Main Street", timeZone: "Europe/Berlin" });
    await expect(running.services.installations.attachPanel("root", inst.id, "NOPE")).rejects.toMatchObject({ code: "not-found", message: expect.stringContaining("alarm-provision --panel NOPE") });
    expect((await running.services.installations.attachPanel("root", inst.id, "P1")).panels).toEqual(["P1"]);
  });
});
