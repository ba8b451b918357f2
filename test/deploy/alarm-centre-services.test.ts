/**
 * alarm-centre runs the monitoring services, as an installer sets up a fresh centre: alarm-provision
 * makes the centre directory, a panel bundle and the first admin (the password on stdin, never on the
 * command line); alarm-centre serves the services' API and console behind logins on --http. The admin
 * logs in, creates an installation with its contacts and action plan and attaches the panel; the panel
 * (the device wiring: panel runtime on the simulated board, SQLite outbox, mqtt.js with the bundle's
 * certificate) trips its 24-hour zone, and the incident appears with its plan's tasks. Telephony has no
 * provider: running the call is refused and logged, the task stays for the operator to record by hand.
 * A remote-support command goes out signed over the receivers' session and its result comes back as a
 * stored frame. Two receivers share the frames, each attached to the services: the alarm reaches them
 * once. Without a login every operator route is 401. Waits on events, never on the wall clock.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../firmware/index.js";
import { loadPanelBundle } from "../../gateway/device/panel-bundle.js";
import { startDevice, type RunningDevice } from "../../gateway/device/start-device.js";
import { simBoardFor } from "../../simulator/board/sim-board.js";
import { freePort } from "../../simulator/centre/broker/broker-mosquitto.js";
import { e2ePanelConfig } from "../support/e2e-panel-config.js";
import { login as postLogin, withToken } from "../support/services-http.js";
import { runBin, startCentreProcess, type CentreProcess } from "./centre-process.js";

const PANEL = "S1";
const ADMIN_PASSWORD = "first-admin-pass-7";

let dir: string;
let mqttPort: number;
const centre = () => join(dir, "centre");
const bundle = () => join(dir, "bundle");

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "alarm-centre-services-"));
  mqttPort = await freePort();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function provision(args: string[], input?: string): string {
  const r = runBin("alarm-provision", ["--centre", centre(), ...args], input === undefined ? {} : { input });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return r.stdout;
}

/** Waits for a condition driven by events elsewhere (sockets, the centre process); never asserts on time. */
async function until<T>(what: () => Promise<T | undefined> | T | undefined, everyMs = 50): Promise<T> {
  for (;;) {
    const v = await what();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

interface Task {
  id: number;
  kind: string;
  state: string;
  target: { name?: string; phone?: string };
}
interface Incident {
  id: number;
  installationId: number;
  panel: string;
  cls: string;
  state: string;
  tasks: Task[];
}

describe("alarm-centre runs the monitoring services behind logins", () => {
  it("alarm-provision --add-operator: misuse is one line (exit 2; 1 without a password); the password comes from stdin and is never printed", () => {
    provision(["--init"]);
    provision(["--panel", PANEL, "--out", bundle(), "--broker", `mqtts://localhost:${mqttPort}`]);
    const noRole = runBin("alarm-provision", ["--centre", centre(), "--add-operator", "root"]);
    expect(noRole.status).toBe(2);
    expect(noRole.stderr).toBe("alarm-provision: --add-operator root needs --role operator|supervisor|admin\n");
    const noPassword = runBin("alarm-provision", ["--centre", centre(), "--add-operator", "root", "--role", "admin"], { input: "" });
    expect(noPassword.status).toBe(1);
    expect(noPassword.stderr).toBe("alarm-provision: bad-argument: no password: set OPEN_ALARM_OPERATOR_PASSWORD, or type it at the prompt, or give it as the first line of stdin\n");
    const out = provision(["--add-operator", "root", "--role", "admin"], `${ADMIN_PASSWORD}\n`);
    expect(out).toContain("added admin root");
    expect(out).not.toContain(ADMIN_PASSWORD);
    const again = runBin("alarm-provision", ["--centre", centre(), "--add-operator", "root", "--role", "admin"], { extraEnv: { OPEN_ALARM_OPERATOR_PASSWORD: "another-pass-8" } });
    expect(again.status).toBe(1);
    expect(again.stderr).toBe("alarm-provision: conflict: operator root exists\n");
  });

  it("a logged-in admin sets up an installation; the panel's alarm is an incident with its plan's tasks; calls are the operator's; remote commands reach the panel; no login, 401", async () => {
    const c: CentreProcess = startCentreProcess(["--centre", centre(), "--mqtt", `127.0.0.1:${mqttPort}`, "--http", "127.0.0.1:0", "--metrics", "127.0.0.1:0", "--receivers", "2"]);
    let device: RunningDevice | undefined;
    try {
      const services = await c.line("services running");
      const running = await c.line("centre running");
      expect(c.lines.some((l) => l.msg?.toString().startsWith("no operator can log in yet"))).toBe(false);
      const base = `http://${String(running.http)}`;
      expect(services.console).toBe(`${base}/console/`);

      // Every operator route refuses a request without a session; the console page itself is public.
      for (const [method, path] of [["GET", "/api/installations"], ["GET", "/api/incidents"], ["GET", "/api/alarms"], ["POST", "/api/installations"], ["GET", "/api/operators"]] as const) {
        const r = await fetch(base + path, { method, ...(method === "POST" ? { headers: { "content-type": "application/json" }, body: "{}" } : {}) });
        expect({ path, status: r.status }).toEqual({ path, status: 401 });
      }
      expect((await fetch(`${base}/console/`)).status).toBe(200);
      const wrong = await postLogin(base, "root", "not-the-password");
      expect(wrong.status).toBe(403);

      const login = await postLogin(base, "root", ADMIN_PASSWORD);
      expect(login.status).toBe(200);
      const { token, role } = (await login.json()) as { token: string; role: string };
      expect(role).toBe("admin");
      const api = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
        const r = await withToken(base, token, method, path, body);
        return { status: r.status, body: (await r.json()) as T };
      };

      const inst = await api<{ id: number }>("POST", "/api/installations", { name: "Bakery Miller", address: "1 Main Street", timeZone: "Europe/Berlin" });
      expect(inst.status).toBe(200);
      const id = inst.body.id;
      expect((await api("POST", `/api/installations/${id}/panels`, { panel: PANEL })).status).toBe(200);
      expect((await api("PUT", `/api/installations/${id}/contacts`, [{ name: "Anna Miller", phone: "+49 30 1111" }])).status).toBe(200);
      expect((await api("PUT", `/api/installations/${id}/plan`, { burglary: [{ kind: "call-contacts" }, { kind: "guard" }] })).status).toBe(200);

      const config = parseConfig(e2ePanelConfig({ type: "24h" }));
      device = await startDevice({ config, link: loadPanelBundle(bundle()), dataDir: join(dir, "panel-data"), io: simBoardFor(config), log: () => {} });
      const gw = device.gateway;
      await until(() => (gw.linkUp && gw.depth().total === 0 ? true : undefined)); // the boot report is stored and ACKed
      device.panel.input({ type: "zone", zone: 2, active: true });

      const incident = await until(async () => (await api<Incident[]>("GET", `/api/incidents?state=open&installation=${id}`)).body.find((i) => i.panel === PANEL && i.cls === "burglary"));
      expect(incident.installationId).toBe(id);
      expect(incident.tasks.map((t) => [t.kind, t.state])).toEqual([
        ["call-contact", "open"],
        ["guard", "pending"],
      ]);
      expect(incident.tasks[0]!.target).toMatchObject({ name: "Anna Miller", phone: "+49 30 1111" });
      // Two receivers, both attached: the event reached the services once (a second delivery would join it).
      const audit = await api<{ action: string }[]>("GET", `/api/audit?entity=incident&entityId=${incident.id}`);
      expect(audit.body.map((e) => e.action)).toEqual(["incident.open"]);
      // The centre alarm behind it is in the operators' queue too, as before, now behind the login.
      const alarms = await api<{ panel: string; state: string }[]>("GET", "/api/alarms");
      expect(alarms.body.filter((a) => a.panel === PANEL && a.state === "new").length).toBeGreaterThan(0);

      // No telephony provider: the call is the operator's, logged for them; the task stays open.
      const call = incident.tasks[0]!;
      const ran = await api<{ error: string; message: string }>("POST", `/api/tasks/${call.id}/run`);
      expect(ran.status).toBe(502);
      expect(ran.body.error).toBe("port-failed");
      expect(ran.body.message).toContain("call +49 30 1111 yourself");
      await c.line("telephony: no provider, call by hand");
      expect((await api<Incident>("GET", `/api/incidents/${incident.id}`)).body.tasks[0]!.state).toBe("open");
      const recorded = await api<Incident>("POST", `/api/tasks/${call.id}/outcome`, { outcome: "answered", note: "Anna is on her way" });
      expect(recorded.status).toBe(200);
      expect(recorded.body.tasks.map((t) => t.state)).toEqual(["done", "open"]);

      // Remote support: signed over the receivers' MQTT session; the panel's result comes back as a stored frame.
      const sent = await api<{ id: string; state: string }>("POST", `/api/installations/${id}/remote-commands`, { type: "user-change", panel: PANEL, user: 1, code: "1357" });
      expect(sent.status).toBe(200);
      expect(sent.body.state).toBe("sent");
      const done = await until(async () => {
        const r = await api<{ state: string; error: string | null }>("GET", `/api/remote-commands/${sent.body.id}`);
        return r.body.state === "sent" ? undefined : r.body;
      });
      expect(done).toEqual(expect.objectContaining({ state: "ok", error: null }));
    } finally {
      await device?.stop();
      expect(await c.stop()).toBe(0);
    }
    expect(c.lines.at(-1)?.msg).toBe("stopped");
    // The admin's password never reaches the centre's log, the login included.
    expect(JSON.stringify(c.lines)).not.toContain(ADMIN_PASSWORD);
  });
});
