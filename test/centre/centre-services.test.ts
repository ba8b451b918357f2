/** alarm-centre's services on a fresh SQLite store: loopback, deny by default, and a hint for the first login. */
import { afterEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { startCentreServices, type CentreServices } from "../../simulator/centre/cli/centre-services.js";
import { addOperator } from "../../simulator/centre/cli/add-operator.js";
import { MemoryLogger } from "../../simulator/centre/logger.js";
import { openCentreStore } from "../../simulator/centre/store-pg/open-store.js";
import type { CentreStorePort } from "../../simulator/centre/store-pg/port.js";
import { login as postLogin } from "../support/services-http.js";

let store: CentreStorePort | undefined;
let running: CentreServices | undefined;
afterEach(async () => {
  await running?.close();
  await store?.close();
  running = store = undefined;
});

const start = async (s: CentreStorePort, log: MemoryLogger) =>
  (running = await startCentreServices({ dir: "/var/lib/alarm-centre", store: s, centreKey: undefined as never, receivers: [], http: { host: "127.0.0.1", port: 0 }, logger: log, httpLogger: pino({ level: "silent" }) }));

describe("alarm-centre's services", () => {
  it("with no operator yet: one line says how to add the first admin; every route needs a login", async () => {
    store = await openCentreStore(":memory:");
    const log = new MemoryLogger();
    const s = (await start(store, log))!;
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(log.matching(/^no operator can log in yet/)).toEqual([{ level: "warn", msg: "no operator can log in yet: alarm-provision --centre /var/lib/alarm-centre --add-operator NAME --role admin" }]);
    expect(log.matching(/^services running$/)).toHaveLength(1);
    for (const path of ["/api/alarms", "/api/installations", "/api/operators"]) expect((await fetch(s.url + path)).status).toBe(401);
  });

  it("with an operator: no hint, and the operator logs in", async () => {
    store = await openCentreStore(":memory:");
    await addOperator(store, "root", "admin", "first-admin-pass");
    const log = new MemoryLogger();
    const s = (await start(store, log))!;
    expect(log.matching(/^no operator can log in yet/)).toEqual([]);
    const login = await postLogin(s.url, "root", "first-admin-pass");
    expect(login.status).toBe(200);
  });
});
