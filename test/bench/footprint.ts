/**
 * Figure 4: footprint of the panel process (firmware, 32 zones, plus gateway): RSS after 10 minutes of
 * virtual activity, CPU while idle, and start-up to ready. The process runs as a panel would ship: one
 * esbuild bundle run by plain node (no TypeScript compiler at start-up), native and dynamic-require
 * modules left external. Baseline: a bare node process bundled and started the same way, same run.
 * Targets: RSS <= 80 MB, idle CPU < 1 %, ready within 1 s.
 */
import { fork } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const ROOT = join(import.meta.dirname, "../..");
// Inside the repository, so the external modules resolve from node_modules.
const OUT = join(ROOT, ".bench-build");

async function bundle(entry: string): Promise<string> {
  mkdirSync(OUT, { recursive: true });
  const outfile = join(OUT, entry.replace(/\.ts$/, ".mjs"));
  await build({
    entryPoints: [join(import.meta.dirname, entry)],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
    external: ["better-sqlite3", "cbor-extract", "johnny-five", "mqtt"],
    banner: { js: "import { createRequire as __cr } from 'module'; const require = __cr(import.meta.url);" },
  });
  return outfile;
}
import type { BenchBroker } from "./brokers.js";
import { figure, type Figure } from "./figure.js";
import type { BenchOptions } from "./run.js";

interface Sample {
  readyMs: number;
  rssMb: number;
  idleCpuPct: number;
}

async function run(script: string, args: string[]): Promise<Sample> {
  const file = await bundle(script);
  return new Promise((resolve, reject) => {
    const c = fork(file, args, { execArgv: ["--expose-gc"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    c.once("message", (m) => resolve(m as Sample));
    c.once("exit", (code) => code !== 0 && reject(new Error(`${script} exited with ${code}`)));
  });
}

export async function footprintFigures(opts: BenchOptions, broker: BenchBroker): Promise<Figure[]> {
  const idleMs = opts.quick ? 2_000 : 10_000;
  const bare = await run("footprint-bare.ts", [String(idleMs)]);
  const panel = await run("footprint-panel.ts", [broker.url, String(broker.mqttVersion), String(idleMs)]);
  return [
    figure({ name: "panel process RSS, 32 zones, 10 virtual min", value: panel.rssMb, unit: "MB", baseline: bare.rssMb, baselineName: "bare node process", target: "<= 80 MB" }, (v) => v <= 80),
    figure({ name: "panel process idle CPU", value: panel.idleCpuPct, unit: "%", baseline: bare.idleCpuPct, baselineName: "bare node process", target: "< 1 %" }, (v) => v < 1),
    figure({ name: "panel process start-up to ready", value: panel.readyMs, unit: "ms", baseline: bare.readyMs, baselineName: "bare node process", target: "<= 1000 ms" }, (v) => v <= 1000),
  ];
}
