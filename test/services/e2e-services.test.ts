/**
 * End to end through the real wiring (simulator/system.ts: panel on the simulated board, gateway, aedes,
 * receiver) into the services through the receiver adapter, and the operators' HTTP API on top. The
 * services run on the centre's own SQLite database with fake time for what they schedule (guard ETA and
 * report); the panel and receiver run on real time. Waits on events, never on the wall clock.
 */
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import { MemoryLogger } from "../../simulator/centre/logger.js";
import { SimulatedCommandSender } from "../../simulator/centre/services/command-sender.js";
import { buildServicesApi } from "../../simulator/centre/services/http-api.js";
import { installationReport } from "../../simulator/centre/services/installation-report.js";
import type { Incident } from "../../simulator/centre/services/incident-schema.js";
import { attachReceiver, type ReceiverAdapter } from "../../simulator/centre/services/receiver-adapter.js";
import { TEST_SCRYPT } from "../../simulator/centre/services/secret-hash.js";
import { Services } from "../../simulator/centre/services/services.js";
import { SqliteServicesDb } from "../../simulator/centre/services/sqlite-services-db.js";
import { SqliteCentreStore } from "../../simulator/centre/store-pg/sqlite-store.js";
import { simulatedPorts, type SimulatedPorts } from "../../simulator/centre/services/simulated-ports.js";
import { startSystem, type RunningSystem } from "../../simulator/demo/system.js";
import { e2ePanelConfig } from "../support/e2e-panel-config.js";

/** The digits on their own (not inside a longer number, a decimal or a hex id such as a UUID). */
const standalone = (digits: string) => new RegExp(`(?<![0-9a-f.])${digits}(?![0-9a-f.])`);

const ETA = 12 * 60_000;
const ON_SITE = 8 * 60_000;

const config = e2ePanelConfig({ type: "instant" });

let sys: RunningSystem;
let services: Services;
let ports: SimulatedPorts;
let clock: FakeClock;
let adapter: ReceiverAdapter;
let app: ReturnType<typeof buildServicesApi>;
let installationId: number;
let token: string;
const log = new MemoryLogger();

beforeAll(async () => {
  sys = await startSystem({ panelConfig: config });
  clock = new FakeClock(Date.now());
  // Commands go straight to the panel runtime and its result straight back: startSystem keeps the
  // receiver's broker credentials to itself, so the MQTT sender is tested on its own (remote-support.test.ts).
  const commands = new SimulatedCommandSender((panel, cmd) => void services.remote.onResult(panel, sys.panel.remote(cmd)));
  ports = simulatedPorts(clock, { etaMs: ETA, onSiteMs: ON_SITE, report: "back door forced, police on site" }, commands);
  services = await Services.open(new SqliteServicesDb(sys.centre.db), clock, ports, { scrypt: TEST_SCRYPT });
  adapter = attachReceiver(sys.receiver, SqliteCentreStore.over(sys.centre), services, log);
  app = buildServicesApi(services, { logger: pino({ level: "silent" }), clock });
  await services.operators.create("bootstrap", { username: "oli", password: "oli-operator-pass", role: "operator" });
  const inst = await services.installations.create("bootstrap", { name: "Bakery Miller", address: "1 Main Street", timeZone: "Europe/Berlin" });
  installationId = inst.id;
  await services.installations.attachPanel("bootstrap", inst.id, sys.panelId);
  await services.installations.setContacts("bootstrap", inst.id, [{ name: "Anna Miller", phone: "+49 30 1111" }]);
  await services.installations.setCallerPassword("bootstrap", inst.id, "bread-2026");
  token = (await app.inject({ method: "POST", url: "/api/login", payload: { username: "oli", password: "oli-operator-pass" } })).json().token;
});
afterAll(async () => {
  adapter?.detach();
  await app?.close();
  await sys?.stop();
});

const api = async (method: "GET" | "POST" | "DELETE", url: string, payload?: object) => {
  const r = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
  return { status: r.statusCode, body: String(r.headers["content-type"] ?? "").startsWith("application/json") ? r.json() : r.body };
};

function incidentWhere(pred: (i: Incident) => boolean): Promise<Incident> {
  return new Promise((resolve) => {
    const on = (i: Incident) => {
      if (!pred(i)) return;
      services.ctx.events.off("incident", on);
      resolve(i);
    };
    services.ctx.events.on("incident", on);
  });
}

function keys(...ks: string[]): void {
  for (const k of ks) sys.panel.input({ type: "key", key: k as "2" });
}

/** Arm, trip the zone, and wait for what the services make of it. */
async function trip(zone: number, pred: (i: Incident) => boolean): Promise<Incident> {
  sys.setZone(1, false);
  sys.setZone(2, false);
  keys("2", "4", "6", "8", "off");
  keys("2", "4", "6", "8", "away");
  expect(sys.panel.view().areas[0]!.phase.kind).toBe("armed");
  const seen = incidentWhere(pred);
  sys.setZone(zone, true);
  return seen;
}

describe("an announced test window at a real panel", () => {
  it("a zone trip inside the window and its zones is recorded as a test, with no task and no dispatch", async () => {
    const n = await api("POST", `/api/installations/${installationId}/test-notices`, { start: clock.now(), durationMs: 3_600_000, zones: [2] });
    expect(n.status).toBe(200);
    const inc = await trip(2, (i) => i.outcome === "test");
    expect(inc).toMatchObject({ state: "closed", cls: "burglary", tasks: [] });
    expect((await api("DELETE", `/api/test-notices/${n.body.id}`)).status).toBe(200);
  });
});

describe("a false alarm cancelled by the customer", () => {
  it("a wrong caller password is refused, the right one closes the alarm as a false alarm, not billed", async () => {
    const inc = await trip(1, (i) => i.state === "open" && i.key === "130:z1");
    const wrong = await api("POST", `/api/incidents/${inc.id}/cancel`, { password: "cake-2026" });
    expect(wrong).toMatchObject({ status: 403, body: { error: "wrong-password", field: "password" } });
    const ok = await api("POST", `/api/incidents/${inc.id}/cancel`, { password: "bread-2026" });
    expect(ok.body).toMatchObject({ state: "closed", outcome: "false-alarm", cancelledByCustomer: true });
    expect(await services.desk.book.billing(installationId, 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
  });
});

describe("from a zone trip to a guard dispatch, its report and its billing record", () => {
  it("runs the burglary plan: the contact answers, the guard goes, reports, the dispatch is billed", async () => {
    const inc = await trip(1, (i) => i.state === "open" && i.key === "130:z1");
    expect(inc.tasks.map((t) => t.kind)).toEqual(["call-contact", "guard"]);
    ports.telephony.answer("+49 30 1111");
    expect((await api("POST", `/api/tasks/${inc.tasks[0]!.id}/run`)).body.tasks[0]).toMatchObject({ outcome: "answered", operator: "oli" });
    const dispatched = await api("POST", `/api/tasks/${inc.tasks[1]!.id}/run`);
    expect(dispatched.body.tasks[1]).toMatchObject({ state: "in-progress", ref: "guard-1" });
    expect(ports.guard.dispatched[0]).toMatchObject({ incidentId: inc.id, address: "1 Main Street" });
    await clock.advanceSettling(ETA, () => services.settled());
    expect((await services.desk.get(inc.id)).tasks[1]!.outcome).toBe("guard-on-site");
    await clock.advanceSettling(ON_SITE, () => services.settled());
    expect((await services.desk.get(inc.id)).tasks[1]).toMatchObject({ state: "done", outcome: "guard-report", note: "back door forced, police on site" });
    expect((await api("POST", `/api/incidents/${inc.id}/close`, { note: "police took over" })).body.outcome).toBe("handled");
    // The centre's own operator-queue alarm for the same frame is linked to the incident.
    await adapter.settled();
    const linked = (await services.desk.get(inc.id)).centreAlarmId;
    const centreAlarm = sys.centre.alarms.list(true).find((a) => a.key === "130:z1" && a.id === linked);
    expect(centreAlarm).toBeDefined();
    const report = await api("GET", `/api/installations/${installationId}/report?from=0&to=${clock.now() + 1}`);
    expect(report.status).toBe(403); // reports are for supervisors
    const r = await installationReport(services.desk.book, installationId, 0, clock.now() + 1);
    expect(r.totals).toEqual({ alarms: 2, tests: 1, falseAlarms: 1, cancellations: 1, dispatches: 1, billableItems: 1 });
    expect(r.billing).toMatchObject([{ incidentId: inc.id, kind: "guard-dispatch", note: "guard guard-1 to 1 Main Street" }]);
    expect(log.lines.filter((l) => l.level === "error")).toEqual([]);
  });
});

describe("remote support at a real panel", () => {
  it("an operator changes user 1's code; the panel's result closes the command; the new code disarms, the old one does not", async () => {
    const r = await api("POST", `/api/installations/${installationId}/remote-commands`, { type: "user-change", panel: sys.panelId, user: 1, code: "135790" });
    expect(r.body).toMatchObject({ type: "user-change", user: 1 });
    expect((await services.remote.get(r.body.id)).state).toBe("ok");
    sys.setZone(1, false);
    sys.setZone(2, false);
    expect(sys.panel.view().areas[0]!.phase.kind).not.toBe("disarmed"); // still armed from the guard test
    keys("2", "4", "6", "8", "off");
    expect(sys.panel.view().areas[0]!.phase.kind).not.toBe("disarmed");
    keys("1", "3", "5", "7", "9", "0", "off");
    expect(sys.panel.view().areas[0]!.phase.kind).toBe("disarmed");
    keys("1", "3", "5", "7", "9", "0", "away");
    expect(sys.panel.view().areas[0]!.phase.kind).toBe("armed");
    keys("1", "3", "5", "7", "9", "0", "off");
    expect(sys.panel.view().areas[0]!.phase.kind).toBe("disarmed");
    const dump = JSON.stringify(sys.centre.db.prepare("SELECT * FROM svc_audit").all()) + JSON.stringify(sys.centre.db.prepare("SELECT * FROM svc_remote_commands").all());
    expect(dump).not.toMatch(standalone("135790"));
  });
});
