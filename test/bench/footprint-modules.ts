/**
 * What each module costs the panel process: RSS and time to import it into a fresh plain node process
 * (after a GC on both sides), median of N processes. The packages the panel may load, then the built
 * entry points (dist/, built first when missing or stale) as the panel command loads them.
 *   npx tsx test/bench/footprint-modules.ts [--runs N]
 */
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { round } from "./figure.js";
import { ensureBuilt } from "./footprint-build.js";

const PACKAGES = ["zod", "zod/mini", "prom-client", "johnny-five", "mqtt", "better-sqlite3", "cbor-x", "pino", "pino-pretty", "yaml"];
const BUILT = ["protocol/index.js", "firmware/index.js", "gateway/device/start-device.js", "gateway/device/panel-command.js"];

const PROBE = `
const spec = process.argv[1];
global.gc();
const r0 = process.memoryUsage().rss, t0 = performance.now();
await import(spec);
const ms = performance.now() - t0;
global.gc();
console.log(JSON.stringify({ mb: (process.memoryUsage().rss - r0) / 2 ** 20, ms }));`;

function measure(spec: string): { mb: number; ms: number } {
  const r = spawnSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", PROBE, spec], { cwd: join(import.meta.dirname, "../.."), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${spec}: ${r.stderr}`);
  return JSON.parse(r.stdout) as { mb: number; ms: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const i = process.argv.indexOf("--runs");
const runs = i >= 0 ? Number(process.argv[i + 1]) : 3;
const dist = ensureBuilt();
const rows = [...PACKAGES.map((p) => [p, p] as const), ...BUILT.map((b) => [`dist/${b}`, pathToFileURL(join(dist, b)).href] as const)].map(([name, spec]) => {
  const s = Array.from({ length: runs }, () => measure(spec));
  return { module: name, "import RSS MB": round(median(s.map((x) => x.mb)), 1), "import ms": round(median(s.map((x) => x.ms)), 0) };
});
console.table(rows);
