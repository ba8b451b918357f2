/**
 * `npm start`: the whole system on loopback with no file to write first: embedded aedes broker, the centre's
 * receiver, and one panel (firmware on the simulated board plus gateway). It prints the flow as it happens:
 * zone change -> panel state -> frame sent -> centre stored -> ACK.
 *
 * With a terminal attached it takes commands (type `help`); without one (CI, pipes) it runs a scripted
 * intrusion and exits: arm away, exit delay, front door opens, entry delay runs out, alarm reported,
 * stored and acknowledged, owner disarms (cancel 406). `npm start -- --delays MS` sets the exit and entry
 * delays (default 3 s). `--port N` puts the broker on a fixed port and `--keys-out DIR` writes the panel's
 * public frame key, so the uplink can be watched live (both print the command line):
 *
 *   npm start -- --port 1883 --keys-out /tmp/keys
 *   mosquitto_sub -h 127.0.0.1 -p 1883 -i receiver@tap -u tap -P <printed> -t 'alarm/v1/+/up' -F %x \
 *     | npx alarmctl decode --pub /tmp/keys/panel-0001.pub.pem
 */
import { createInterface } from "node:readline";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { intFlag, processIo, runCommand } from "../../protocol/cli/command-line.js";
import { keySequence, type PanelView } from "../../firmware/index.js";
import { Cid, eventDef, siaCode, type Event } from "../../protocol/index.js";
import { DEMO_CODE, demoPanelConfig } from "./demo-config.js";
import { startSystem, type RunningSystem } from "./system.js";

const t0 = Date.now();
function say(who: string, what: string): void {
  const t = ((Date.now() - t0) / 1000).toFixed(3).padStart(8);
  console.log(`${t}s  ${who.padEnd(8)} ${what}`);
}

function describe(e: Event): string {
  const d = eventDef(e.code);
  const who = e.zone !== undefined ? ` zone ${e.zone}` : e.user !== undefined ? ` user ${e.user}` : "";
  const q = e.q === 1 ? "new" : e.q === 3 ? "restore" : "still present";
  return `${e.code} ${d?.name ?? "?"} (${siaCode(e.code, e.q) ?? "--"}, ${q}) area ${e.area}${who}`;
}

function phase(p: PanelView["areas"][number]["phase"]): string {
  switch (p.kind) {
    case "disarmed":
      return "disarmed";
    case "exit":
      return `exit delay (${p.mode}) until +${((p.until - Date.now()) / 1000).toFixed(1)} s`;
    case "armed":
      return `armed ${p.mode}`;
    case "entry":
      return `entry delay (zone ${p.zone}) until +${((p.until - Date.now()) / 1000).toFixed(1)} s`;
  }
}

function wire(sys: RunningSystem): void {
  sys.panel.on("state", (v) => say("panel", `state: ${v.areas.map((a) => `area ${a.area} ${phase(a.phase)}${a.alarm ? " ALARM" : ""}`).join(", ")}${v.outputs.siren ? ", siren on" : ""}${v.troubles.length ? `, troubles ${v.troubles.join(",")}` : ""}`));
  sys.panel.on("keypad", (m) => say("keypad", JSON.stringify(m)));
  sys.panel.on("report", (e) => say("panel", `reports ${describe(e)}`));
  // The gateway sends inside the panel's report call; print it after the panel's own line, so the flow
  // reads in the order the design promises: panel reports -> frame sent -> centre stored -> ACK.
  sys.gateway.on("sent", ({ seq, attempt }) => setImmediate(() => say("gateway", `frame seq ${seq} sent${attempt > 1 ? ` (attempt ${attempt})` : ""}`)));
  sys.receiver.on("stored", (panel, seq, p) => say("centre", `stored ${panel} seq ${seq}: ${"events" in p ? p.events.map(describe).join("; ") : "heartbeat" in p ? "heartbeat" : "command result"}`));
  sys.receiver.on("alarm", (id) => {
    const a = sys.centre.alarms.get(id);
    say("centre", `operator queue: alarm #${id} ${a.title} [${a.state}]`);
  });
  sys.gateway.on("acked", ({ seq, rttMs }) => say("gateway", `ACK for seq ${seq} after ${rttMs.toFixed(1)} ms: event has left the outbox`));
}


function keys(sys: RunningSystem, text: string): void {
  say("user", `keys: ${text}`);
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
async function scripted(sys: RunningSystem): Promise<void> {
  const armed = new Promise<void>((r) => sys.panel.on("keypad", (m) => m.kind === "armed" && r()));
  keys(sys, `${DEMO_CODE} away`);
  await armed;
  const alarmAcked = acknowledged(sys, (e) => e.q === 1 && e.zone === 1);
  say("world", "front door opens (zone 1)");
  sys.setZone(1, true);
  await alarmAcked;
  const restoreAcked = acknowledged(sys, (e) => e.q === 3 && e.zone === 1);
  say("world", "front door closes");
  sys.setZone(1, false);
  await restoreAcked;
  const cancelAcked = acknowledged(sys, (e) => e.code === Cid.Cancel);
  keys(sys, `${DEMO_CODE} off`);
  await cancelAcked;
  for (const a of sys.centre.alarms.list(true)) {
    say("centre", `alarm #${a.id} for operators: ${a.title}, ${a.state}, frames ${sys.centre.alarms.frames(a.id).length}`);
  }
}

async function interactive(sys: RunningSystem): Promise<void> {
  console.log("commands: open N | close N | keys 1234 away | keys 1234 off | ac lost | ac ok | status | quit");
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: "> " });
  rl.prompt();
  for await (const line of rl) {
    const [cmd, ...rest] = line.trim().split(/\s+/);
    try {
      if (cmd === "open" || cmd === "close") sys.setZone(Number(rest[0]), cmd === "open");
      else if (cmd === "keys") keys(sys, rest.join(" "));
      else if (cmd === "ac") sys.panel.input({ type: "ac", ok: rest[0] === "ok" });
      else if (cmd === "status") console.log(JSON.stringify(sys.panel.view()));
      else if (cmd === "quit" || cmd === "exit") break;
      else if (cmd) console.log("commands: open N | close N | keys 1234 away | keys 1234 off | ac lost | ac ok | status | quit");
    } catch (e) {
      console.log(`error: ${(e as Error).message}`);
    }
    rl.prompt();
  }
  rl.close();
}

const USAGE = `usage: npm start -- [--delays MS] [--port N] [--keys-out DIR]

The whole system on loopback: broker, centre receiver, one panel on the simulated board and its gateway.
With a terminal it takes commands; without one it runs a scripted intrusion and exits.

  --delays MS      exit and entry delays (default 3000; EN 50131-1: entry delay at most 45 s)
  --port N         the broker's TCP port (default: a free one)
  --keys-out DIR   write the panel's public frame key to DIR/<panel>.pub.pem and print a live
                   mosquitto_sub | alarmctl decode command line`;

const OPTIONS = { delays: { type: "string" }, port: { type: "string" }, "keys-out": { type: "string" } } as const;

async function demo(values: { delays?: string; port?: string; "keys-out"?: string }): Promise<void> {
  const delayMs = intFlag("delays", values.delays, 0, 45_000) ?? 3000;
  const port = intFlag("port", values.port, 0, 65535);
  say("demo", "starting broker, centre receiver, panel and gateway on loopback");
  const sys = await startSystem({ panelConfig: demoPanelConfig(delayMs), ...(port !== undefined ? { port } : {}), onReport: (e, seq) => reportedListeners.forEach((f) => f(e, seq)) });
  wire(sys);
  say("demo", `broker on ${sys.url}; panel ${sys.panelId}; owner code ${DEMO_CODE}`);
  if (values["keys-out"] !== undefined) {
    const dir = resolve(values["keys-out"]);
    mkdirSync(dir, { recursive: true });
    const pub = join(dir, `${sys.panelId}.pub.pem`);
    writeFileSync(pub, sys.panelPublicPem);
    const u = new URL(sys.url);
    const t = sys.tap!;
    say("demo", `panel's public frame key -> ${pub}; watch the uplink live with:`);
    console.log(`  mosquitto_sub -h ${u.hostname} -p ${u.port} -i ${t.clientId} -u ${t.username} -P ${t.password} -t 'alarm/v1/+/up' -F %x | npx alarmctl decode --pub ${pub}`);
  }
  if (process.stdin.isTTY) await interactive(sys);
  else await scripted(sys);
  await sys.stop();
  say("demo", "stopped");
}

process.exitCode = await runCommand({ name: "npm start", usage: USAGE, options: OPTIONS }, process.argv.slice(2), processIo, ({ values }) => demo(values));
