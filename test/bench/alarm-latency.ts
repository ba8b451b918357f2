/**
 * Figure 1: alarm latency. A simulated zone trip on an armed panel until the centre has stored the frame
 * and the panel holds its ACK (the event has left the outbox), in the deployed topology: the panel and its
 * gateway (the device wiring of the panel command, gateway/device/start-device.ts, on the simulated board)
 * in this process, the centre (broker and receiver) in another (latency-centre.ts), as it is another
 * machine in a deployment. Baseline: a bare mqtt.js QoS 1 publish-and-reply round trip through the same
 * broker, TCP_NODELAY on at both ends, published from this process and answered from the centre's, so it
 * crosses the same processes. Targets: alarm p99 at most 2.5x the bare round trip's p99, p50 at most 3x
 * the bare p50.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashCode, keySequence, parseConfig, zoneLevel, type PanelConfigInput } from "../../firmware/index.js";
import { startDevice } from "../../gateway/device/start-device.js";
import type { Connector } from "../../gateway/transport.js";
import { Cid, generateEd25519, privateKeyFromPem, publicKeyFromPem } from "../../protocol/index.js";
import { simBoardFor } from "../../simulator/board/sim-board.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { openRoundTripper } from "./baselines.js";
import type { BenchBroker } from "./brokers.js";
import { figure, percentile, type Figure } from "./figure.js";
import type { CentreMessage, CentreStart } from "./latency-centre.js";
import type { BenchOptions } from "./run.js";
import { clockOffset, StageClock } from "./stage-breakdown.js";

const ZONES = 32;
const CODE = "2468";
const PANEL = "panel-0001";

function benchConfig(): PanelConfigInput {
  return {
    grade: 2,
    io: "sim",
    // Swinger shutdown would silence a zone after its limit of trips per armed period: use the maximum
    // and re-arm between rounds, as a real test engineer would.
    timing: { exitDelayMs: 0, entryDelayMs: 0, unsetDeferralMs: 0, swingerLimit: 15 },
    areas: [{ area: 1 }],
    zones: Array.from({ length: ZONES }, (_, i) => ({ zone: i + 1, type: "instant", pin: i + 2, areas: [1], debounceMs: 0 })),
    outputs: { siren: 60 },
    users: [{ user: 1, areas: [1], perms: ["disarm"], codeHash: hashCode(CODE, { N: 1024, r: 8, p: 1 }) }],
  } as PanelConfigInput;
}

/** The centre process, started with the panel registered in its store; resolves once it listens. */
async function startCentre(start: CentreStart): Promise<{ child: ChildProcess; url: string; ask<T>(m: string, pick: (r: CentreMessage) => T | undefined): Promise<T> }> {
  // BENCH_CENTRE_CPU_PROF=dir: the centre process writes a V8 CPU profile there (node --cpu-prof).
  const prof = process.env.BENCH_CENTRE_CPU_PROF;
  const execArgv = ["--import", "tsx", ...(prof ? ["--cpu-prof", `--cpu-prof-dir=${prof}`] : [])];
  const child = fork(join(import.meta.dirname, "latency-centre.ts"), [], { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ask = <T>(m: string | { start: CentreStart }, pick: (r: CentreMessage) => T | undefined) =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`bench centre exited with ${code}`));
      const onMessage = (r: CentreMessage) => {
        if ("failed" in r) return reject(new Error(`bench centre: ${r.failed}`));
        const v = pick(r);
        if (v === undefined) return;
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(v);
      };
      child.on("message", onMessage);
      child.once("exit", onExit);
      child.send(m);
    });
  const url = await ask({ start }, (r) => ("ready" in r ? r.ready : undefined));
  return { child, url, ask };
}

/** A before/after comparison within one run: its label is added to the figures' names. */
export interface LatencyVariant {
  readonly label: string;
  /** The panel's link port replaced. */
  readonly connector?: Connector;
  /** false: every SQLite file (panel.db, gateway.db, the centre store) on SQLite's automatic checkpoint. */
  readonly walCheckpoint?: boolean;
  /** The embedded aedes on the receiver's thread (as before broker-thread.ts), not on its own. */
  readonly brokerInProcess?: boolean;
}

/** `broker` absent: the embedded aedes, started in the centre's process. */
export async function alarmLatencyFigures(opts: BenchOptions, broker?: BenchBroker, variant?: LatencyVariant): Promise<Figure[]> {
  const n = opts.quick ? 100 : 2000;
  const name = (broker?.name ?? "aedes") + (variant ? `, ${variant.label}` : "");
  const protocolVersion = broker?.mqttVersion ?? 4;
  const dir = mkdtempSync(join(tmpdir(), "bench-latency-"));
  const centreKeys = generateEd25519();
  const panelKeys = generateEd25519();
  const store = CentreStore.open(join(dir, "centre.db"));
  store.registry.addPanel(PANEL, "SP4", Date.now());
  store.registry.addFrameKey(PANEL, PANEL, panelKeys.publicPem, Date.now());
  store.close();
  const echoPanel = `rt-${process.pid}`;
  const waiting = new Map<number, () => void>();
  let lastAlarmSeq = -1;
  let lastSeq = -1;
  const bare: number[] = [];
  const lat: number[] = [];
  const stages = new StageClock();
  // Undone in reverse order, whatever failed.
  const undo: (() => unknown)[] = [() => rmSync(dir, { recursive: true, force: true })];
  try {
    const centre = await startCentre({ db: join(dir, "centre.db"), centreKeyPem: centreKeys.privatePem, broker: broker ? { url: broker.url } : "aedes", protocolVersion, echoPanel, walCheckpoint: variant?.walCheckpoint ?? true, brokerThread: !variant?.brokerInProcess });
    undo.push(() => new Promise((r) => (centre.child.once("exit", r), centre.child.send("stop"))));
    // The baseline is interleaved with the alarms, one bare round trip before each, through the same broker:
    // both see the same machine noise (these machines are noisy; only ratios hold).
    const rt = await openRoundTripper(centre.url, protocolVersion, { panel: echoPanel, echo: false });
    undo.push(() => rt.close());
    const config = parseConfig(benchConfig());
    const io = simBoardFor(config);
    const device = await startDevice({
      config,
      io,
      dataDir: join(dir, "panel"),
      link: {
        panel: PANEL,
        category: "SP4",
        signer: { kid: PANEL, key: privateKeyFromPem(panelKeys.privatePem) },
        centreKey: { kid: "centre", key: publicKeyFromPem(centreKeys.publicPem) },
        broker: { url: centre.url, username: PANEL, password: "bench", protocolVersion },
      },
      trace: stages.trace,
      ...(variant?.connector ? { connector: variant.connector } : {}),
      ...(variant?.walCheckpoint !== undefined ? { walCheckpoint: variant.walCheckpoint } : {}),
      onReport: (e, seq) => {
        if (e.code === Cid.Burglary && e.q === 1) lastAlarmSeq = seq;
        lastSeq = seq;
      },
    });
    undo.push(() => device.stop());
    const acked = new Set<number>();
    device.gateway.on("acked", ({ seq }) => {
      acked.add(seq);
      if (seq === lastAlarmSeq) stages.mark("acked");
      waiting.get(seq)?.();
    });
    const untilAcked = (seq: number) => (acked.has(seq) ? Promise.resolve() : new Promise<void>((r) => waiting.set(seq, r)));
    const keys = (s: string) => keySequence(s).forEach((key) => device.panel.input({ type: "key", key }));
    const setZone = (zone: number, open: boolean) => {
      const z = config.zones.find((x) => x.zone === zone)!;
      io.setLevel(z.pin as number, zoneLevel(z.wiring, open));
    };
    // The link is up before the first round (the gateway connects in the background).
    while (!device.gateway.linkUp) await new Promise((r) => setTimeout(r, 10));
    keys(`${CODE} away`);
    let zone = 0;
    for (let i = 0; i < n; i++) {
      if (i > 0 && i % (ZONES * 10) === 0) {
        keys(`${CODE} off`);
        keys(`${CODE} away`);
      }
      if (lastSeq >= 0) await untilAcked(lastSeq);
      bare.push(await rt.once());
      const z = (zone++ % ZONES) + 1;
      lastAlarmSeq = -1;
      stages.begin();
      const t0 = performance.now();
      setZone(z, true);
      stages.mark("step-returned");
      if (lastAlarmSeq < 0) throw new Error(`zone ${z} trip was not reported (round ${i})`);
      await untilAcked(lastAlarmSeq);
      lat.push(performance.now() - t0);
      stages.end(lastAlarmSeq);
      setZone(z, false);
      // Let the restore (and anything else) be acknowledged, so the next bare round trip runs on a quiet system.
      await untilAcked(lastSeq);
    }
    const offset = await clockOffset(() => centre.ask("clock", (r) => ("clock" in r ? r.clock : undefined)));
    process.stderr.write(`  ${name}: the centre process's clock is ${offset.toFixed(3)} ms ahead (corrected in the stages)\n`);
    stages.centreSide.load(await centre.ask("marks", (r) => ("marks" in r ? r.marks : undefined)), offset);
  } finally {
    for (const u of undo.reverse()) await u();
  }
  // What makes the p99: the slowest 1 % of rounds, each with its two longest stages.
  const worst = stages.slowest(Math.max(3, Math.ceil(n / 100)));
  process.stderr.write(`  ${name}: slowest rounds: ${worst.map((w) => `${w.total.toFixed(1)} ms (${w.stages.map((s) => `${s.stage.replace(/ \(.*$/, "")} ${s.ms.toFixed(1)}`).join(", ")})`).join("; ")}\n`);
  lat.sort((a, b) => a - b);
  bare.sort((a, b) => a - b);
  const base = { p50: percentile(bare, 50), p99: percentile(bare, 99) };
  const total = { p50: percentile(lat, 50), p99: percentile(lat, 99) };
  // Each stage's share of the whole (the same percentile of the latency is its baseline).
  const breakdown = stages.summary().flatMap((s) =>
    (["p50", "p99"] as const).map((p) =>
      figure({ name: `alarm stage ${p} (${name}): ${s.stage}`, value: s[p], unit: "ms", baseline: total[p], baselineName: `alarm latency ${p}, same run`, target: "(report only)" }, () => true),
    ),
  );
  return [
    ...breakdown,
    figure({ name: `alarm latency p50 (${name})`, value: total.p50, unit: "ms", baseline: base.p50, baselineName: "bare QoS 1 round trip p50", target: "ratio <= 3" }, (_v, r) => r <= 3),
    figure({ name: `alarm latency p99 (${name})`, value: total.p99, unit: "ms", baseline: base.p99, baselineName: "bare QoS 1 round trip p99", target: "ratio <= 2.5" }, (_v, r) => r <= 2.5),
  ];
}
