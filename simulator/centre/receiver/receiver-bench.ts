/**
 * Receiver throughput: frames verified, stored durably and ACKed per second, with 1..n receiver
 * processes sharing one store file through the shared subscription of the embedded broker.
 *
 *   npx tsx simulator/centre/receiver/receiver-bench.ts [--receivers 1,2] [--panels 20] [--frames 500] [--warmup 5] [--url mqtt://... --protocol-version 5]
 *
 * The window measured is the steady state: `--warmup` frames per panel are sent and ACKed first (0: the
 * window starts cold). A receiver process pays once what a window of a few thousand frames would otherwise
 * charge per frame: its JIT warming its hot paths (in a cold window of 20,000 frames, mqtt.js's parse, the
 * CBOR decode and the envelope parse took 3-15x the time in its first tenth that they took later) and its first contact
 * with each panel (the key read and import, the replay window). Two receivers each paid that in the same
 * window, so a cold window charged the second receiver for its start rather than for its frames.
 *
 * Also measures openUplink (Ed25519 verify + decode) in a loop as the baseline (test/bench measures raw verify): a receiver
 * cannot go faster than it verifies. Broker and load generator run in this process, receivers in children.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import mqtt, { type MqttClient } from "mqtt";
import {
  MapKeyRing,
  decodeDownlinkPayload,
  generateEd25519,
  openUplink,
  parseEnvelope,
  privateKeyFromPem,
  publicKeyFromPem,
  sealUplink,
  topics,
} from "../../../protocol/index.js";
import { intFlag, processIo, runCommand, UsageError } from "../../../protocol/cli/command-line.js";
import { startBroker } from "../broker/broker.js";
import { passwordLogin } from "../broker/broker-login.js";
import { CentreStore } from "../store/centre-store.js";
import { openCentreStore } from "../store-pg/open-store.js";
import { initCentre } from "../pki/provisioning.js";
import type { ReceiverCpu } from "./receiver-main.js";

export interface BenchResult {
  readonly receivers: number;
  readonly frames: number;
  readonly seconds: number;
  readonly framesPerSecond: number;
  /** CPU (user + system) the receiver processes spent while the frames were handled, all receivers summed. */
  readonly receiverCpuSeconds: number;
  /** receiverCpuSeconds per frame, microseconds. */
  readonly cpuUsPerFrame: number;
  /** Its user-mode and kernel-mode parts per frame, microseconds. */
  readonly userUsPerFrame: number;
  readonly systemUsPerFrame: number;
  /** Context switches of the receivers while the frames were handled: voluntary (waited: socket, lock) and involuntary (preempted). */
  readonly voluntarySwitches: number;
  readonly involuntarySwitches: number;
  /** Group commits in the window, all receivers summed. */
  readonly commits: number;
  /** The same in milliseconds. */
  readonly cpuMsPerFrame: number;
}

type Counters = ReceiverCpu & { readonly commits: number };

/** A receiver child's CPU and group commits so far (receiver-main.ts answers "stats"). */
function countersOf(c: ChildProcess): Promise<Counters> {
  return new Promise((resolve) => {
    c.once("message", (m) => {
      const { cpu, commits } = m as { cpu: ReceiverCpu; commits: number };
      resolve({ ...cpu, commits });
    });
    c.send("stats");
  });
}

/** The receivers' counters, summed. */
async function receiversCounters(children: readonly ChildProcess[]): Promise<Counters> {
  const all = await Promise.all(children.map(countersOf));
  const sum = (k: keyof Counters) => all.reduce((a, b) => a + b[k], 0);
  return { user: sum("user"), system: sum("system"), voluntarySwitches: sum("voluntarySwitches"), involuntarySwitches: sum("involuntarySwitches"), commits: sum("commits") };
}

const HERE = dirname(fileURLToPath(import.meta.url));

/** Raw openUplink (Ed25519 verify + decode) rate on one core. */
export function openUplinkRate(n = 5000): number {
  const k = generateEd25519();
  const signer = { kid: "k", key: privateKeyFromPem(k.privatePem) };
  const ring = new MapKeyRing().add("k", "P", publicKeyFromPem(k.publicPem));
  const now = Date.now();
  const frames = Array.from({ length: n }, (_, i) => sealUplink({ v: 1, panel: "P", seq: i, sent: now, events: [{ code: 130, q: 1, area: 1, zone: 3, at: now }] }, signer));
  const t = performance.now();
  for (const f of frames) openUplink(f, ring, { topicPanel: "P" });
  return n / ((performance.now() - t) / 1000);
}

export interface BenchOptions {
  readonly receivers: number;
  readonly panels?: number;
  readonly framesPerPanel?: number;
  /** An external broker that lets anyone in (e.g. Mosquitto with allow_anonymous); default: the embedded one. */
  readonly broker?: { readonly url: string; readonly protocolVersion: 4 | 5 };
  /** Frames per panel sent and ACKed before the measured window (default 0: the window starts cold). */
  readonly warmupFramesPerPanel?: number;
  /** The receivers' store: a postgres:// URL of an empty database (default: the centre's SQLite file). */
  readonly store?: string;
}

export async function benchReceivers(o: BenchOptions): Promise<BenchResult> {
  const { receivers, panels = 20, framesPerPanel = 500 } = o;
  const version = o.broker?.protocolVersion ?? 4;
  const dir = mkdtempSync(join(tmpdir(), "receiver-bench-"));
  const centre = initCentre(join(dir, "centre"));
  const store = CentreStore.open(centre.dbPath);
  const ids = Array.from({ length: panels }, (_, i) => `B${i}`);
  const signers = new Map<string, { kid: string; key: ReturnType<typeof privateKeyFromPem> }>();
  const publicPems = new Map<string, string>();
  for (const id of ids) {
    const k = generateEd25519();
    store.registry.addPanel(id, "SP4", Date.now());
    store.registry.addFrameKey(`k${id}`, id, k.publicPem, Date.now());
    signers.set(id, { kid: `k${id}`, key: privateKeyFromPem(k.privatePem) });
    publicPems.set(id, k.publicPem);
  }
  if (o.store) {
    const port = await openCentreStore(o.store);
    for (const id of ids) {
      await port.registry.addPanel(id, "SP4", Date.now());
      await port.registry.addFrameKey(`k${id}`, id, publicPems.get(id)!, Date.now());
    }
    await port.close();
  }
  // The load panels log in with fixed credentials: a scrypt hash per panel (registry passwords) would cost
  // the set-up ~60 ms per panel at registration and again at login, and measures nothing here.
  const logins = [{ username: "recv", password: "pw", identity: { role: "receiver" as const, name: "bench" } }, ...ids.map((id) => ({ username: id, password: "pw", identity: { role: "panel" as const, name: id } }))];
  const broker = o.broker ? undefined : await startBroker({ login: passwordLogin(undefined, logins) });
  const url = o.broker?.url ?? `mqtt://127.0.0.1:${broker!.port}`;
  const children: ChildProcess[] = [];
  for (let i = 0; i < receivers; i++) {
    const c = fork(join(HERE, "receiver-main.ts"), ["--centre", centre.dir, "--url", url, "--name", `b${i}`, "--username", "recv", "--password", "pw", "--protocol-version", String(version), "--quiet", ...(o.store ? ["--store", o.store] : [])], {
      execArgv: ["--import", "tsx", ...(process.env.RECEIVER_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.RECEIVER_PROF}`] : [])],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    children.push(c);
    await new Promise<void>((resolve, reject) => {
      c.once("message", () => resolve());
      c.once("exit", (code) => reject(new Error(`receiver exited with ${code}`)));
    });
  }
  const clients: MqttClient[] = [];
  const warm = o.warmupFramesPerPanel ?? 0;
  const total = panels * framesPerPanel;
  let acked = 0;
  let target = 0;
  let reached = (): void => {};
  for (const id of ids) {
    const c = await mqtt.connectAsync(url, { clientId: id, username: id, password: "pw", protocolVersion: version });
    (c.stream as unknown as Socket).setNoDelay?.(true);
    await c.subscribeAsync(topics.down(id), { qos: 1 });
    const seen = new Set<number>();
    c.on("message", (_t, m) => {
      const d = decodeDownlinkPayload(parseEnvelope(m).payload);
      if (!("ack" in d)) return;
      for (const s of d.ack.seqs) if (!seen.has(s)) (seen.add(s), acked++);
      if (acked >= target) reached();
    });
    clients.push(c);
  }
  const now = Date.now();
  const frames = ids.map((id) =>
    Array.from({ length: warm + framesPerPanel }, (_, seq) => Buffer.from(sealUplink({ v: 1, panel: id, seq, sent: now, events: [{ code: 130, q: 1, area: 1, zone: 1 + (seq % 8), at: now }] }, signers.get(id)!))),
  );
  /**
   * Publish seqs [from, to) of every panel and wait until all of them are ACKed. The load clients never
   * resend (a panel would), so a frame lost on the way would wait for ever: after ROUND_LIMIT_MS without
   * an ACK the bench stops, saying how many arrived.
   */
  const round = (from: number, to: number): Promise<void> => {
    target += panels * (to - from);
    const done = new Promise<void>((resolve, reject) => {
      let last = acked;
      const watch = setInterval(() => {
        if (acked > last) return void (last = acked);
        clearInterval(watch);
        reject(new Error(`${acked} of ${target} frames ACKed, none for ${ROUND_LIMIT_MS / 1000} s: a frame was lost and the load clients do not resend`));
      }, ROUND_LIMIT_MS);
      reached = () => (clearInterval(watch), resolve());
    });
    for (let j = from; j < to; j++) clients.forEach((c, i) => c.publish(topics.up(ids[i]!), frames[i]![j]!, { qos: 1 }));
    return done;
  };
  // Frames before the measured window, so it holds the steady state: every receiver has met every panel
  // (its key imported, its replay window made) and its hot code is optimised.
  if (warm > 0) await round(0, warm);
  const cpu0 = await receiversCounters(children);
  const t0 = performance.now();
  await round(warm, warm + framesPerPanel);
  const seconds = (performance.now() - t0) / 1000;
  const cpu1 = await receiversCounters(children);
  const user = cpu1.user - cpu0.user;
  const system = cpu1.system - cpu0.system;
  const receiverCpuSeconds = user + system;
  await Promise.all(clients.map((c) => c.endAsync()));
  await Promise.all(children.map((c) => new Promise((r) => (c.once("exit", r), c.kill("SIGTERM")))));
  await broker?.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    receivers,
    frames: total,
    seconds,
    framesPerSecond: total / seconds,
    receiverCpuSeconds,
    cpuUsPerFrame: (receiverCpuSeconds / total) * 1e6,
    cpuMsPerFrame: (receiverCpuSeconds / total) * 1e3,
    userUsPerFrame: (user / total) * 1e6,
    systemUsPerFrame: (system / total) * 1e6,
    voluntarySwitches: cpu1.voluntarySwitches - cpu0.voluntarySwitches,
    involuntarySwitches: cpu1.involuntarySwitches - cpu0.involuntarySwitches,
    commits: cpu1.commits - cpu0.commits,
  };
}

/** How long a round may go without a single ACK before the bench gives up. */
const ROUND_LIMIT_MS = 30_000;

const USAGE = `usage: npx tsx simulator/centre/receiver/receiver-bench.ts [--receivers 1,2] [--panels 20] [--frames 500]
         [--warmup 5] [--url mqtt://HOST:PORT --protocol-version 4|5]

Receivers (processes) sharing one centre store behind a broker (embedded aedes unless --url), each of
--panels load clients sending --warmup frames first, then --frames frames in the measured window; prints
frames/s and the receivers' CPU per frame against one openUplink (verify + decode) in this process.
  --receivers LIST        receiver counts to run in turn, comma-separated, each 1..16 (default 1,2)
  --panels N              load clients, 1..10000 (default 20)
  --frames N              frames per panel in the window, 1..100000 (default 500)
  --warmup N              frames per panel before the window, 0..1000 (default 5)
  --url URL               an external broker (its users recv and each panel id, password "pw")
  --protocol-version 4|5  MQTT version towards --url (default 5); the embedded broker speaks 4 only`;

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const spec = {
    name: "receiver-bench",
    usage: USAGE,
    options: {
      receivers: { type: "string", default: "1,2" },
      panels: { type: "string", default: "20" },
      frames: { type: "string", default: "500" },
      url: { type: "string" },
      "protocol-version": { type: "string" },
      warmup: { type: "string", default: "5" },
    },
  } as const;
  const status = await runCommand(spec, process.argv.slice(2), processIo, async ({ values: a }) => {
    const counts = a.receivers.split(",").map((n) => intFlag("receivers", n, 1, 16)!);
    const panels = intFlag("panels", a.panels, 1, 10_000)!;
    const framesPerPanel = intFlag("frames", a.frames, 1, 100_000)!;
    const warmupFramesPerPanel = intFlag("warmup", a.warmup, 0, 1_000)!;
    const version = intFlag("protocol-version", a["protocol-version"], 4, 5);
    if (version === 5 && !a.url) throw new UsageError("--protocol-version 5 needs --url: the embedded broker speaks MQTT 3.1.1 (4)");
    const broker = a.url ? { url: a.url, protocolVersion: (version ?? 5) as 4 | 5 } : undefined;
    const verify = openUplinkRate();
    console.log(`openUplink (verify + decode): ${Math.round(verify)} frames/s (one core)`);
    for (const n of counts) {
      const r = await benchReceivers({ receivers: n, panels, framesPerPanel, warmupFramesPerPanel, ...(broker ? { broker } : {}) });
      console.log(`${n} receiver(s): ${r.frames} frames stored+ACKed in ${r.seconds.toFixed(2)} s = ${Math.round(r.framesPerSecond)} frames/s (${((100 * r.framesPerSecond) / verify).toFixed(0)} % of openUplink rate), receiver CPU ${Math.round(r.cpuUsPerFrame)} us/frame (user ${Math.round(r.userUsPerFrame)}, system ${Math.round(r.systemUsPerFrame)}; openUplink ${Math.round(1e6 / verify)} us), ${r.commits} commits, context switches ${r.voluntarySwitches} voluntary ${r.involuntarySwitches} involuntary`);
    }
  });
  process.exit(status);
}
