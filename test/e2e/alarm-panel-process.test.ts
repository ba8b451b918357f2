/**
 * alarm-panel as a process, as systemd runs it: a panel provisioned with the centre's provisioning
 * functions into a temporary bundle, a broker and receiver started here, `node bin/alarm-panel.js` with
 * io: sim. Its hello (a heartbeat) is stored by the receiver; SIGTERM ends it with exit 0 and its retained
 * "offline" status published. With --metrics it serves the gateway's Prometheus metrics. Waits on events,
 * never on the wall clock.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../simulator/centre/broker/broker.js";
import { passwordLogin } from "../../simulator/centre/broker/broker-login.js";
import { centreSigner, initCentre, provisionPanel } from "../../simulator/centre/pki/provisioning.js";
import { Receiver } from "../../simulator/centre/receiver/receiver.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { Cid } from "../../protocol/index.js";
import { panelEnv, panelNodeFlags, shebangEnv, shebangNodeFlags } from "../support/panel-node-flags.js";

const ROOT = join(import.meta.dirname, "../..");
const PANEL = "pi-0001";

let dir: string;
let store: CentreStore;
let broker: RunningBroker;
let receiver: Receiver;
const statuses: string[] = [];
const heartbeats: number[] = [];
const events: { code: number; zone?: number }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "alarm-panel-"));
  const centre = initCentre(join(dir, "centre"));
  store = CentreStore.open(centre.dbPath);
  const receiverLogin = { username: "receiver", password: randomBytes(12).toString("base64url"), identity: { role: "receiver" as const, name: "r1" } };
  broker = await startBroker({ login: passwordLogin(store.registry, [receiverLogin]) });
  provisionPanel(centre, store, { panel: PANEL, category: "SP4", outDir: join(dir, "bundle"), broker: `mqtt://127.0.0.1:${broker.port}`, password: true });
  receiver = new Receiver({
    url: `mqtt://127.0.0.1:${broker.port}`,
    store,
    centreKey: centreSigner(centre),
    name: "r1",
    connect: { username: receiverLogin.username, password: receiverLogin.password },
  });
  receiver.on("status", (panel, s) => panel === PANEL && statuses.push(s));
  receiver.on("stored", (panel, seq, p) => panel === PANEL && "heartbeat" in p && heartbeats.push(seq));
  receiver.on("stored", (panel, _seq, p) => panel === PANEL && "events" in p && events.push(...p.events.map((e) => ({ code: e.code, ...(e.zone !== undefined ? { zone: e.zone } : {}) }))));
  await receiver.start();
});

afterAll(async () => {
  await receiver?.stop();
  await broker?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function until(what: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = () => (what() ? resolve() : setTimeout(poll, 20));
    poll();
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** `node bin/alarm-panel.js` with the example config and the bundle, as systemd runs it; its output collected. */
function startPanel(args: readonly string[], stdin: "ignore" | "pipe"): { child: ChildProcess; exit: Promise<number | null>; out: string; err: string } {
  const child = spawn(
    process.execPath,
    [...panelNodeFlags(), join(ROOT, "bin/alarm-panel.js"), "--config", join(ROOT, "firmware/config/example-panel.yaml"), "--bundle", join(dir, "bundle"), ...args],
    { stdio: [stdin, "pipe", "pipe"], env: { ...process.env, ...panelEnv(), LOG_FORMAT: "json", OPEN_ALARM_FROM_SOURCE: "1" } },
  );
  const panel = { child, exit: exited(child), out: "", err: "" };
  child.stdout!.on("data", (d) => (panel.out += d));
  child.stderr!.on("data", (d) => (panel.err += d));
  return panel;
}

describe("alarm-panel process with io: sim", () => {
  it("runs with the same node flags and malloc settings from its systemd unit as from its shebang", () => {
    expect(panelNodeFlags()).toEqual(["--max-semi-space-size=1", "--lite-mode", "--no-expose-wasm"]);
    expect(shebangNodeFlags()).toEqual(panelNodeFlags());
    expect(panelEnv().GLIBC_TUNABLES).toBe("glibc.malloc.trim_threshold=131072:glibc.malloc.mmap_threshold=131072");
    const { NODE_ENV: _, ...unitEnv } = panelEnv();
    expect(shebangEnv()).toEqual(unitEnv);
  });

  it("says hello to the centre, serves its metrics, and on SIGTERM stops with exit 0 after publishing its offline status", async () => {
    const panel = startPanel(["--data", join(dir, "data"), "--metrics", "127.0.0.1:0"], "ignore");
    const { child, exit } = panel;

    await Promise.race([until(() => heartbeats.length > 0 && statuses.includes("online")), exit.then((c) => expect.fail(`exited ${c}: ${panel.err}`))]);
    expect(store.frames.has(PANEL, heartbeats[0]!)).toBe(true);
    const metricsUrl = /"metrics":"(http:\/\/127\.0\.0\.1:\d+\/metrics)".*"msg":"panel running"/.exec(panel.out)?.[1];
    expect(metricsUrl).toBeDefined();
    const metrics = await (await fetch(metricsUrl!)).text();
    expect(metrics).toMatch(/^gateway_outbox_depth\{class="alarm"\} \d+$/m);

    child.kill("SIGTERM");
    expect(await exit, panel.err).toBe(0);
    await until(() => statuses.at(-1) === "offline");
    expect(statuses.at(-1)).toBe("offline");
    expect(panel.out).toMatch(/"msg":"stopped"/);
    expect(panel.err).toBe("");
  });

  it("takes the test rig's commands on stdin: a 24-hour zone opened there is an alarm at the centre; a wrong command is one line", async () => {
    const panel = startPanel(["--data", join(dir, "data-rig")], "pipe");
    const { child, exit } = panel;
    await Promise.race([until(() => panel.out.includes('"msg":"panel running"')), exit.then((c) => expect.fail(`exited ${c}: ${panel.err}`))]);
    child.stdin!.write("open the safe\nzone 5 open\n");
    await until(() => events.some((e) => e.code === Cid.Burglary24h && e.zone === 5));
    expect(panel.out).toContain('"msg":"sim: refused: open the safe: commands: zone N open|close');
    expect(panel.out).toContain('"msg":"sim: zone 5 open (pin 6)"');
    child.stdin!.end();
    child.kill("SIGTERM");
    expect(await exit, panel.err).toBe(0);
    expect(panel.err).toBe("");
  });
});
