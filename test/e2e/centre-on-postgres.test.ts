/**
 * The whole centre on PostgreSQL, as an installer runs it: `alarm-provision --init --store postgres://...`
 * records the store in the centre directory (0600), provisions a panel into PostgreSQL, and
 * `alarm-centre --centre DIR` (its main(), in this process) serves it with the embedded TLS broker. A
 * panel (the device wiring: panel runtime, SQLite outbox, mqtt.js with the bundle's certificate) trips
 * a 24-hour zone: the alarm is a row in PostgreSQL and the panel's outbox is empty. `--revoke` then cuts
 * the panel off at the broker's first revocation reload after it (its clock is a FakeClock here), and a
 * new connection with its certificate is refused. The monitoring services run there too, their tables in the
 * same PostgreSQL database: the first admin from `alarm-provision --add-operator`, a login, an installation
 * with the panel, and the panel's alarm as an incident with its plan's tasks. Errors: a bad URL, and the server down, are one line
 * and exit 1, and an --init against an unreachable store leaves no centre directory behind.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../firmware/index.js";
import { loadPanelBundle } from "../../gateway/device/panel-bundle.js";
import { startDevice, type RunningDevice } from "../../gateway/device/start-device.js";
import type { ServiceLogger } from "../../protocol/cli/log.js";
import { FakeClock } from "../../protocol/clock.js";
import { Cid } from "../../protocol/index.js";
import { simBoardFor } from "../../simulator/board/sim-board.js";
import { freePort } from "../../simulator/centre/broker/broker-mosquitto.js";
import { main as centreMain } from "../../simulator/centre/cli/alarm-centre.js";
import { PASSWORD_ENV, main as provisionMain } from "../../simulator/centre/cli/alarm-provision.js";
import { captureIo } from "../support/capture-io.js";
import { e2ePanelConfig } from "../support/e2e-panel-config.js";
import { login as postLogin, withToken } from "../support/services-http.js";
import { createDatabase, startPostgres, type TestPostgres } from "../support/postgres.js";

const PANEL = "PG1";
const ADMIN_PASSWORD = "first-admin-pass-1";
/** The embedded broker's revocation reload period (--revocation-period). */
const PERIOD = 1_000;

let server: TestPostgres;
let url: string;
let dir: string;
let port: number;
const centre = () => join(dir, "centre");
const bundle = () => join(dir, "bundle");

beforeAll(async () => {
  server = await startPostgres();
  url = await createDatabase(server, "alarm_centre");
  dir = mkdtempSync(join(tmpdir(), "centre-on-pg-"));
  port = await freePort();
}, 60_000);
afterAll(async () => {
  await server?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function provision(...args: string[]): Promise<string> {
  const io = captureIo();
  const code = await provisionMain(["--centre", centre(), ...args], io);
  expect(io.err()).toBe("");
  expect(code).toBe(0);
  return io.out();
}

async function sql<R extends pg.QueryResultRow>(text: string): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(text)).rows;
  } finally {
    await c.end();
  }
}

/** Waits for a condition driven by events elsewhere (sockets, the database); never asserts on time. */
async function until(what: () => boolean | Promise<boolean>, everyMs = 25): Promise<void> {
  while (!(await what())) await new Promise((r) => setTimeout(r, everyMs));
}

function recordingLogger(lines: Record<string, unknown>[]): ServiceLogger {
  const logger: ServiceLogger = {
    log: (level, msg, fields) => void lines.push({ level, msg, ...fields }),
    child: () => logger,
    flush: () => {},
  };
  return logger;
}

/** A TLS connection with the panel's certificate: how it ended, or "connected". */
function connectAsPanel(): Promise<string> {
  const b = loadPanelBundle(bundle());
  const c = mqtt.connect(`mqtts://localhost:${port}`, { clientId: PANEL, reconnectPeriod: 0, connectTimeout: 5000, ca: b.broker.ca, cert: b.broker.cert, key: b.broker.key });
  return new Promise((resolve) => {
    c.once("connect", () => {
      resolve("connected");
      c.end(true);
    });
    c.once("error", (e) => resolve(`error: ${e.message}`));
    c.once("close", () => resolve("closed"));
  });
}

describe("the centre on PostgreSQL (alarm-provision --store, alarm-centre)", () => {
  it("--init --store records the store in DIR/store.json (0600); the panel, its certificate and the receiver's are rows in PostgreSQL", async () => {
    expect(await provision("--init", "--store", url)).toContain("store postgres://postgres@127.0.0.1");
    expect(statSync(join(centre(), "store.json")).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(centre(), "store.json"), "utf8"))).toEqual({ store: url });
    expect(existsSync(join(centre(), "centre.db"))).toBe(false);
    await provision("--panel", PANEL, "--out", bundle(), "--broker", `mqtts://localhost:${port}`);
    expect(await sql("SELECT panel, category FROM panels")).toEqual([{ panel: PANEL, category: "SP4" }]);
    expect(await sql("SELECT subject, role FROM certificates ORDER BY role")).toEqual([
      { subject: PANEL, role: "panel" },
      { subject: "receiver-1", role: "receiver" },
    ]);
    // The broker files come from the same registry.
    expect(readFileSync(join(centre(), "dynamic-security.json"), "utf8")).toContain(`"${PANEL}"`);
  }, 60_000);

  it("alarm-centre on the recorded store: a tripped zone is an alarm row in PostgreSQL and an incident of the services, the outbox is empty; --revoke cuts the panel off at the next reload", async () => {
    process.env[PASSWORD_ENV] = ADMIN_PASSWORD;
    try {
      expect(await provision("--add-operator", "ana", "--role", "admin")).toContain("ana");
    } finally {
      delete process.env[PASSWORD_ENV];
    }
    expect(await sql("SELECT username, role FROM svc_operators")).toEqual([{ username: "ana", role: "admin" }]);
    const lines: Record<string, unknown>[] = [];
    const seen = (msg: string) => lines.find((l) => l.msg === msg);
    const clock = new FakeClock();
    let stop: (why: string) => void = () => {};
    const io = captureIo();
    const exited = centreMain(["--centre", centre(), "--mqtt", `127.0.0.1:${port}`, "--http", "127.0.0.1:0", "--metrics", "127.0.0.1:0", "--revocation-period", String(PERIOD)], io, {
      logger: recordingLogger(lines),
      stopSignal: new Promise((r) => (stop = r)),
      revocationClock: clock,
    });
    let done = false;
    void exited.then(() => (done = true));
    let device: RunningDevice | undefined;
    try {
      await until(() => done || seen("centre running") !== undefined);
      expect(io.err()).toBe("");
      expect(seen("centre store")).toMatchObject({ kind: "postgres" });

      // The services on the same database, behind a login.
      const base = `http://${String(seen("centre running")!.http)}`;
      expect((await fetch(`${base}/api/installations`)).status).toBe(401);
      const login = await postLogin(base, "ana", ADMIN_PASSWORD);
      expect(login.status).toBe(200);
      const { token } = (await login.json()) as { token: string };
      const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
        const r = await withToken(base, token, method, path, body);
        expect(r.status).toBe(200);
        return (await r.json()) as T;
      };
      const inst = await api<{ id: number }>("POST", "/api/installations", { name: "Bakery Miller", address: "1 Main Street", timeZone: "Europe/Berlin" });
      await api("POST", `/api/installations/${inst.id}/panels`, { panel: PANEL });
      await api("PUT", `/api/installations/${inst.id}/contacts`, [{ name: "Anna Miller", phone: "+49 30 1111" }]);

      const config = parseConfig(e2ePanelConfig({ type: "24h" }));
      device = await startDevice({ config, link: loadPanelBundle(bundle()), dataDir: join(dir, "panel-data"), io: simBoardFor(config), log: () => {} });
      const gw = device.gateway;
      await until(() => gw.linkUp && gw.depth().total === 0); // the boot report is stored and ACKed
      device.panel.input({ type: "zone", zone: 2, active: true });
      const alarmRow = async () => (await sql<{ panel: string; kind: string; key: string; state: string }>("SELECT panel, kind, key, state FROM alarms")).length > 0;
      await until(async () => gw.depth().total === 0 && (await alarmRow()), 100);
      expect(await sql("SELECT panel, kind, key, state FROM alarms")).toEqual([{ panel: PANEL, kind: "event", key: `${Cid.Burglary24h}:z2`, state: "new" }]);
      expect(gw.depth().total).toBe(0);
      expect(Number((await sql<{ n: string }>("SELECT count(*) AS n FROM frames"))[0]!.n)).toBeGreaterThanOrEqual(2);
      // The same alarm as the services' incident, with the default plan's first task open.
      type Incident = { panel: string; cls: string; state: string; tasks: { kind: string; state: string }[] };
      const incidents = async () => (await api<Incident[]>("GET", `/api/incidents?state=open&installation=${inst.id}`)).filter((i) => i.panel === PANEL);
      await until(async () => (await incidents()).length > 0, 100);
      const [incident] = await incidents();
      expect(incident).toMatchObject({ cls: "burglary", state: "open" });
      expect(incident!.tasks[0]).toMatchObject({ kind: "call-contact", state: "open" });
      expect(await sql("SELECT action FROM svc_audit WHERE entity = 'incident'")).toEqual([{ action: "incident.open" }]);

      expect(await provision("--revoke", PANEL)).toContain(`revoked ${PANEL}: 1 certificate(s), 1 frame key(s)`);
      // The crl.pem the revocation wrote lists it too.
      expect(readFileSync(join(centre(), "crl.pem"), "utf8")).toMatch(/BEGIN X509 CRL/);
      clock.advance(PERIOD - 1); // no reload yet: the open session stays
      expect(seen("broker: client with a revoked certificate disconnected")).toBeUndefined();
      clock.advance(1); // the first reload after the revocation
      await until(() => seen("broker: client with a revoked certificate disconnected") !== undefined);
      // Refused with the reason (CONNACK "not authorized"), which the panel's log shows; the broker's line
      // comes from its thread, after the answer.
      expect(await connectAsPanel()).toBe("error: Connection refused: Not authorized");
      await until(() => lines.some((l) => l.msg === "broker: revoked certificate refused"));
    } finally {
      await device?.stop();
      stop("test over");
    }
    expect(await exited).toBe(0);
    expect(seen("stopped")).toBeDefined();
  }, 90_000);

  it("errors are one line and exit 1: a bad --store URL, another store at --init, the server down; --init against an unreachable store writes no centre", async () => {
    const bad = captureIo();
    expect(await centreMain(["--centre", centre(), "--store", "postgres://", "--http", "127.0.0.1:0", "--metrics", "127.0.0.1:0"], bad)).toBe(1);
    expect(bad.err()).toMatch(/^alarm-centre: bad-location: [^\n]*\n$/);

    // A centre already on one store is not re-pointed at another by --init: its registry stays where it is.
    const other = captureIo();
    expect(await provisionMain(["--centre", centre(), "--init", "--store", await createDatabase(server, "other_centre")], other)).toBe(1);
    expect(other.err()).toMatch(/^alarm-provision: already-exists: [^\n]*another store[^\n]*\n$/);
    expect(JSON.parse(readFileSync(join(centre(), "store.json"), "utf8"))).toEqual({ store: url });

    await server.stop();
    const down = captureIo();
    expect(await centreMain(["--centre", centre(), "--mqtt", "127.0.0.1:0", "--http", "127.0.0.1:0", "--metrics", "127.0.0.1:0"], down)).toBe(1);
    expect(down.err()).toMatch(/^alarm-centre: store-unavailable: [^\n]*\n$/);

    const fresh = join(dir, "never");
    const init = captureIo();
    expect(await provisionMain(["--centre", fresh, "--init", "--store", url], init)).toBe(1);
    expect(init.err()).toMatch(/^alarm-provision: store-unavailable: [^\n]*\n$/);
    expect(existsSync(fresh)).toBe(false);
  }, 60_000);
});
