/**
 * Figure 4: footprint of the panel process (firmware, 32 zones, plus gateway): RSS after 10 minutes of
 * virtual activity, CPU while idle, and start-up to ready. The process runs the built JavaScript the
 * panel command runs (`npm run build` -> dist/, built first when missing or stale) on plain node, loading
 * only what its config uses, with the node flags and environment of deploy/alarm-panel.service.
 * Baseline: a bare node process started the same way, same run.
 * Targets: RSS <= 80 MB, idle CPU < 1 %, ready within 1 s.
 *
 * `npx tsx test/bench/footprint.ts [--runs N] [--idle MS]` runs just this figure N times (default 3) on
 * the embedded broker and prints each run and the medians.
 */
import { fork } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { startAedesBroker, type BenchBroker } from "./brokers.js";
import { figure, round, type Figure } from "./figure.js";
import { panelEnv, panelNodeFlags } from "../support/panel-node-flags.js";
import { ensureBuilt } from "./footprint-build.js";
import type { BenchOptions } from "./run.js";

const ROOT = join(import.meta.dirname, "../..");
const OUT = join(ROOT, ".bench-build");

/** The measuring script itself, TypeScript to JavaScript only: what it measures it imports from dist/. */
async function compile(entry: string): Promise<string> {
  mkdirSync(OUT, { recursive: true });
  const outfile = join(OUT, entry.replace(/\.ts$/, ".mjs"));
  await build({ entryPoints: [join(import.meta.dirname, entry)], outfile, bundle: false, platform: "node", format: "esm", target: "node20", logLevel: "warning" });
  return outfile;
}

export interface FootprintSample {
  readyMs: number;
  rssMb: number;
  idleCpuPct: number;
}

/** Both processes start as the systemd unit starts the panel: its node flags and environment. */
async function run(script: string, args: string[]): Promise<FootprintSample> {
  const file = await compile(script);
  return new Promise((resolve, reject) => {
    const c = fork(file, args, { env: { ...process.env, ...panelEnv() }, execArgv: ["--expose-gc", ...panelNodeFlags()], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    c.once("message", (m) => resolve(m as FootprintSample));
    c.once("exit", (code) => code !== 0 && reject(new Error(`${script} exited with ${code}`)));
  });
}

/** One run: the bare baseline, then the panel, on the same broker. */
export async function footprintRun(broker: BenchBroker, idleMs: number): Promise<{ bare: FootprintSample; panel: FootprintSample }> {
  const dist = ensureBuilt();
  const bare = await run("footprint-bare.ts", [String(idleMs)]);
  const panel = await run("footprint-panel.ts", [dist, broker.url, String(broker.mqttVersion), String(idleMs)]);
  return { bare, panel };
}

export async function footprintFigures(opts: BenchOptions, broker: BenchBroker): Promise<Figure[]> {
  const { bare, panel } = await footprintRun(broker, opts.quick ? 2_000 : 10_000);
  return [
    figure({ name: "panel process RSS, 32 zones, 10 virtual min", value: panel.rssMb, unit: "MB", baseline: bare.rssMb, baselineName: "bare node process", target: "<= 80 MB" }, (v) => v <= 80),
    figure({ name: "panel process idle CPU", value: panel.idleCpuPct, unit: "%", baseline: bare.idleCpuPct, baselineName: "bare node process", target: "< 1 %" }, (v) => v < 1),
    figure({ name: "panel process start-up to ready", value: panel.readyMs, unit: "ms", baseline: bare.readyMs, baselineName: "bare node process", target: "<= 1000 ms" }, (v) => v <= 1000),
  ];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function cli(): Promise<void> {
  const flag = (name: string, dflt: number) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? Number(process.argv[i + 1]) : dflt;
  };
  const runs = flag("--runs", 3);
  const idleMs = flag("--idle", 10_000);
  const broker = await startAedesBroker();
  const rows: Record<string, string | number>[] = [];
  const panel: FootprintSample[] = [];
  const bare: FootprintSample[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const r = await footprintRun(broker, idleMs);
      panel.push(r.panel);
      bare.push(r.bare);
      rows.push({ run: i + 1, "RSS MB": round(r.panel.rssMb, 1), "bare RSS MB": round(r.bare.rssMb, 1), "idle CPU %": round(r.panel.idleCpuPct, 3), "bare CPU %": round(r.bare.idleCpuPct, 3), "ready ms": round(r.panel.readyMs, 0), "bare ready ms": round(r.bare.readyMs, 0) });
    }
  } finally {
    await broker.close();
  }
  const med = (xs: FootprintSample[], k: keyof FootprintSample) => median(xs.map((x) => x[k]));
  rows.push({ run: "median", "RSS MB": round(med(panel, "rssMb"), 1), "bare RSS MB": round(med(bare, "rssMb"), 1), "idle CPU %": round(med(panel, "idleCpuPct"), 3), "bare CPU %": round(med(bare, "idleCpuPct"), 3), "ready ms": round(med(panel, "readyMs"), 0), "bare ready ms": round(med(bare, "readyMs"), 0) });
  console.table(rows);
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  await cli();
  process.exit(0);
}
