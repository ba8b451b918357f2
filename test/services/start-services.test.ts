/** Starting the services next to a centre: loopback, a bootstrap admin on a fresh database only. */
import { afterEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { FakeClock } from "../../protocol/clock.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { TEST_SCRYPT } from "../../simulator/centre/services/secret-hash.js";
import { simulatedPorts } from "../../simulator/centre/services/simulated-ports.js";
import { startServices, type RunningServices } from "../../simulator/centre/services/start-services.js";

let running: RunningServices | undefined;
let centre: CentreStore | undefined;
afterEach(async () => {
  await running?.stop();
  centre?.close();
});

describe("startServices", () => {
  it("listens on 127.0.0.1, refuses a request without a session, and lets the bootstrap admin log in", async () => {
    centre = CentreStore.open(":memory:");
    const clock = new FakeClock();
    running = await startServices({ centre, ports: simulatedPorts(clock), clock, scrypt: TEST_SCRYPT, httpLogger: pino({ level: "silent" }), bootstrapAdmin: { username: "root", password: "first-login-pass" } });
    expect(running.api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${running.api.url}/api/installations`)).status).toBe(401);
    const login = await fetch(`${running.api.url}/api/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "root", password: "first-login-pass" }) });
    expect(login.status).toBe(200);
    expect((await login.json()).role).toBe("admin");
  });

  it("does not create the bootstrap admin when operators exist", async () => {
    centre = CentreStore.open(":memory:");
    const clock = new FakeClock();
    const opts = { centre, ports: simulatedPorts(clock), clock, scrypt: TEST_SCRYPT, httpLogger: pino({ level: "silent" }) };
    running = await startServices({ ...opts, bootstrapAdmin: { username: "root", password: "first-login-pass" } });
    await running.stop();
    running = await startServices({ ...opts, bootstrapAdmin: { username: "other", password: "second-login-pass" } });
    expect(running.services.operators.list().map((o) => o.username)).toEqual(["root"]);
  });
});
