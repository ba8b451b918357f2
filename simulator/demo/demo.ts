/**
 * `npm start`: the whole system on loopback with no file to write first: embedded aedes broker, the centre's
 * receiver and services, and one panel (firmware on the simulated board plus gateway). It serves the
 * operators' console and the simulated panel's page, prints both addresses and a demo login once, and
 * prints the flow as it happens: zone change -> panel state -> frame sent -> centre stored -> ACK.
 *
 * With a terminal attached it also takes commands (type `help`); without one (CI, pipes) it runs a
 * scripted intrusion and exits: arm away, exit delay, front door opens, entry delay runs out, alarm
 * reported, stored and acknowledged, owner disarms (cancel 406). `--serve` keeps the pages up without a
 * terminal until Ctrl-C. `--delays MS` sets the exit and entry delays (default 3 s); `--console-port` and
 * `--panel-port` the pages' ports (default 8080 and 8081, any free port when taken). `--port N` puts the
 * broker on a fixed port and `--keys-out DIR` writes the panel's public frame key, so the uplink can be
 * watched live (both print the command line):
 *
 *   npm start -- --port 1883 --keys-out /tmp/keys
 *   mosquitto_sub -h 127.0.0.1 -p 1883 -i receiver@tap -u tap -P <printed> -t 'alarm/v1/+/up' -F %x \
 *     | npx alarmctl decode --pub /tmp/keys/panel-0001.pub.pem
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { intFlag, processIo, runCommand } from "../../protocol/cli/command-line.js";
import { keySequence } from "../../firmware/index.js";
import { Cid, type Event } from "../../protocol/index.js";
import { DEMO_CODE, demoPanelConfig } from "./demo-config.js";
import { startDemoCentre, type DemoCentre } from "./demo-centre.js";
import { DemoOutput } from "./demo-output.js";
import { runTerminal } from "./demo-terminal.js";
import { eventText, keypadText, phaseText } from "./demo-text.js";
import { startPanelPage, type RunningPanelPage } from "./panel-page/panel-page.js";
import { startSystem, type RunningSystem } from "./system.js";

const out = new DemoOutput();
const say = (who: string, what: string) => out.say(who, what);

function wire(sys: RunningSystem): void {
  const cfg = sys.config;
  sys.panel.on("state", (v) => {
    const now = Date.now();
    const areas = v.areas.map((a) => `${cfg.areas.find((x) => x.area === a.area)?.name ?? `area ${a.area}`}: ${phaseText(a.phase, now)}${a.alarm ? ", ALARM" : ""}`);
    say("panel", `${areas.join("; ")}${v.outputs.siren ? "; siren sounding" : ""}${v.troubles.length ? `; troubles ${v.troubles.join(", ")}` : ""}`);
  });
  sys.panel.on("keypad", (m) => say("keypad", keypadText(cfg, m)));
  sys.panel.on("report", (e) => say("panel", `reports ${eventText(cfg, e)}`));
  // The gateway sends inside the panel's report call; print it after the panel's own line, so the flow
  // reads in the order the design promises: panel reports -> frame sent -> centre stored -> ACK.
  sys.gateway.on("sent", ({ seq, attempt }) => setImmediate(() => say("gateway", `frame ${seq} sent${attempt > 1 ? ` (attempt ${attempt})` : ""}`)));
  sys.receiver.on("stored", (_panel, seq, p) => say("centre", `stored frame ${seq}: ${"events" in p ? p.events.map((e) => eventText(cfg, e)).join("; ") : "heartbeat" in p ? "heartbeat" : "command result"}`));
  // A later frame of the same alarm (its restore) joins the open one: said as that, not as a new alarm.
  const queued = new Set<number>();
  sys.receiver.on("alarm", (id) => {
    const a = sys.centre.alarms.get(id);
    if (!queued.has(id)) return void (queued.add(id), say("centre", `alarm queue: #${id} ${a.title}`));
    say("centre", `alarm queue: #${id} ${sys.centre.alarms.entries(id).at(-1)?.note ?? "joined by another frame"}`);
  });
  sys.gateway.on("acked", ({ seq, rttMs }) => say("gateway", `centre acknowledged frame ${seq} after ${rttMs.toFixed(1)} ms; it has left the outbox`));
}

function keys(sys: RunningSystem, text: string): void {
  say("user", `types ${text.replace(/\d/g, "•")}`);
  for (const key of keySequence(text)) sys.panel.input({ type: "key", key });
}

/** Told of every event the panel reports, with the sequence number the gateway's outbox gave it. */
const reportedListeners = new Set<(e: Event, seq: number) => void>();

/** Resolves when the centre has acknowledged the next reported event that `match` picks (stored, ACKed, out of the outbox). */
function acknowledged(sys: RunningSystem, match: (e: Event) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const seqs = new Set<number>();
    const onReported = (e: Event, seq: number) => void (match(e) && seqs.add(seq));
    const onAcked = ({ seq }: { seq: number }) => {
      if (!seqs.has(seq)) return;
      reportedListeners.delete(onReported);
      sys.gateway.off("acked", onAcked);
      resolve();
    };
    reportedListeners.add(onReported);
    sys.gateway.on("acked", onAcked);
  });
}

/**
 * The scripted intrusion. Each step waits for what it needs (the panel armed, the alarm acknowledged by
 * the centre), so the run takes the exit and entry delays and little more.
 */
async function scripted(sys: RunningSystem, page: RunningPanelPage, centre: DemoCentre): Promise<void> {
  const armed = new Promise<void>((r) => sys.panel.on("keypad", (m) => m.kind === "armed" && r()));
  keys(sys, `${DEMO_CODE} away`);
  await armed;
  const alarmAcked = acknowledged(sys, (e) => e.q === 1 && e.zone === 1);
  say("world", "the front door opens (zone 1)");
  page.setZone(1, true);
  await alarmAcked;
  const restoreAcked = acknowledged(sys, (e) => e.q === 3 && e.zone === 1);
  say("world", "the front door closes");
  page.setZone(1, false);
  await restoreAcked;
  const cancelAcked = acknowledged(sys, (e) => e.code === Cid.Cancel);
  keys(sys, `${DEMO_CODE} off`);
  await cancelAcked;
  for (const i of await centre.services.services.desk.queue()) {
    say("centre", `incident #${i.id} for the operators: ${i.title}, ${i.state}; next task: ${i.tasks.find((t) => t.state === "open")?.kind ?? "none"}`);
  }
}

/** The preferred port when it is free, else 0 (any free port): asked before anything starts on it, so a
 *  taken port never leaves a half-started centre behind. */
async function portOrAny(port: number): Promise<number> {
  if (port === 0) return 0;
  const free = await new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen({ port, host: "127.0.0.1" }, () => probe.close(() => resolve(true)));
  });
  if (!free) say("demo", `port ${port} is taken; using a free one`);
  return free ? port : 0;
}

const USAGE = `usage: npm start -- [--delays MS] [--console-port N] [--panel-port N] [--serve] [--port N] [--keys-out DIR]

The whole system on loopback: broker, centre receiver and services, one panel on the simulated board and
its gateway; the operators' console and the simulated panel's page in the browser. With a terminal it
takes commands (type help); without one it runs a scripted intrusion and exits.

  --delays MS         exit and entry delays (default 3000; EN 50131-1: entry delay at most 45 s)
  --console-port N    the operators' console (default 8080; any free port when taken)
  --panel-port N      the simulated panel's page (default 8081; any free port when taken)
  --serve             keep the pages up without a terminal until Ctrl-C
  --port N            the broker's TCP port (default: a free one)
  --keys-out DIR      write the panel's public frame key to DIR/<panel>.pub.pem and print a live
                      mosquitto_sub | alarmctl decode command line`;

const OPTIONS = {
  delays: { type: "string" },
  "console-port": { type: "string" },
  "panel-port": { type: "string" },
  serve: { type: "boolean" },
  port: { type: "string" },
  "keys-out": { type: "string" },
} as const;

type Values = { delays?: string; "console-port"?: string; "panel-port"?: string; serve?: boolean; port?: string; "keys-out"?: string };

async function main(values: Values): Promise<void> {
  const delayMs = intFlag("delays", values.delays, 0, 45_000) ?? 3000;
  const consolePort = intFlag("console-port", values["console-port"], 0, 65_535) ?? 8080;
  const panelPort = intFlag("panel-port", values["panel-port"], 0, 65_535) ?? 8081;
  const port = intFlag("port", values.port, 0, 65_535);
  say("demo", "starting broker, centre receiver and services, panel and gateway on loopback");
  const sys = await startSystem({ panelConfig: demoPanelConfig(delayMs), ...(port !== undefined ? { port } : {}), onReport: (e, seq) => reportedListeners.forEach((f) => f(e, seq)) });
  wire(sys);
  const centre = await startDemoCentre(sys, { port: await portOrAny(consolePort) });
  const page = await startPanelPage(sys, { port: await portOrAny(panelPort), consoleUrl: centre.consoleUrl });
  out.banner([
    `Operators' console:  ${centre.consoleUrl}`,
    `   log in as "${centre.logins.operator}" or "${centre.logins.supervisor}", password ${centre.logins.password}`,
    `Simulated panel:     ${page.url}   (owner code ${DEMO_CODE})`,
    `Demo installation "Demo House": caller password ${centre.callerPassword} (to cancel an alarm as the customer)`,
    "These passwords are shown once; they live only in this run.",
  ]);
  if (values["keys-out"] !== undefined) {
    const dir = resolve(values["keys-out"]);
    mkdirSync(dir, { recursive: true });
    const pub = join(dir, `${sys.panelId}.pub.pem`);
    writeFileSync(pub, sys.panelPublicPem);
    const u = new URL(sys.url);
    const t = sys.tap!;
    say("demo", `broker on ${sys.url}; the panel's public frame key is ${pub}; watch the uplink live with:`);
    console.log(`  mosquitto_sub -h ${u.hostname} -p ${u.port} -i ${t.clientId} -u ${t.username} -P ${t.password} -t 'alarm/v1/+/up' -F %x | npx alarmctl decode --pub ${pub}`);
  }
  if (process.stdin.isTTY) await runTerminal(sys, page, out);
  else if (values.serve) await new Promise<void>((resolve) => (process.once("SIGINT", resolve), process.once("SIGTERM", resolve)));
  else await scripted(sys, page, centre);
  await page.close();
  await centre.stop();
  await sys.stop();
  say("demo", "stopped");
}

process.exitCode = await runCommand({ name: "npm start", usage: USAGE, options: OPTIONS }, process.argv.slice(2), processIo, ({ values }) => main(values));
