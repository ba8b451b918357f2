/**
 * What each module costs the panel process: RSS and time to import it alone into a fresh node process
 * started as the panel is (the systemd unit's flags and environment), after a GC on both sides, median
 * of N processes; then its marginal cost: the RSS of importing every package the panel loads, less that
 * of importing all but this one. Then the built entry points (dist/, built first when missing or stale)
 * as the panel command loads them.
 *   npx tsx test/bench/footprint-modules.ts [--runs N]
 */
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { round } from "./figure.js";
import { panelEnv, panelNodeFlags } from "../support/panel-node-flags.js";
import { ensureBuilt } from "./footprint-build.js";

// What the panel process loads at start-up (alarm-panel, no --metrics, under systemd), then what it does not.
const LOADED = ["zod", "johnny-five", "mqtt", "better-sqlite3", "cbor-x", "yaml", "pino"];
const NOT_LOADED = ["zod/mini", "prom-client", "pino-pretty"];
const BUILT = ["protocol/index.js", "firmware/index.js", "gateway/device/start-device.js", "gateway/device/panel-command.js"];

// The ESM loader's own first-use cost is paid before measuring (an empty module).
const PROBE = `
const specs = JSON.parse(process.argv[1]);
await import("data:text/javascript,export{}");
global.gc();
const r0 = process.memoryUsage().rss, t0 = performance.now();
for (const s of specs) await import(s);
const ms = performance.now() - t0;
global.gc();
const rss = process.memoryUsage().rss;
console.log(JSON.stringify({ mb: (rss - r0) / 2 ** 20, ms, rss: rss / 2 ** 20 }));`;

interface Cost {
  mb: number;
  ms: number;
  rss: number;
}

function once(specs: readonly string[]): Cost {
  const r = spawnSync(process.execPath, ["--expose-gc", ...panelNodeFlags(), "--input-type=module", "-e", PROBE, JSON.stringify(specs)], {
    cwd: join(import.meta.dirname, "../.."),
    env: { ...process.env, ...panelEnv() },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`${specs.join(" ")}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Cost;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const i = process.argv.indexOf("--runs");
const runs = i >= 0 ? Number(process.argv[i + 1]) : 3;
const measure = (specs: readonly string[]) => {
  const s = Array.from({ length: runs }, () => once(specs));
  return { mb: median(s.map((x) => x.mb)), ms: median(s.map((x) => x.ms)), rss: median(s.map((x) => x.rss)) };
};
const dist = ensureBuilt();
const all = measure(LOADED);
const rows: Record<string, string | number>[] = [];
for (const p of [...LOADED, ...NOT_LOADED]) {
  const alone = measure([p]);
  const marginal = LOADED.includes(p) ? all.rss - measure(LOADED.filter((x) => x !== p)).rss : NaN;
  rows.push({ module: p, "at start-up": LOADED.includes(p) ? "yes" : "no", "alone RSS MB": round(alone.mb, 1), "alone ms": round(alone.ms, 0), "marginal RSS MB": Number.isNaN(marginal) ? "-" : round(marginal, 1) });
}
rows.push({ module: "all loaded at start-up", "at start-up": "yes", "alone RSS MB": round(all.mb, 1), "alone ms": round(all.ms, 0), "marginal RSS MB": "-" });
for (const b of BUILT) {
  const c = measure([pathToFileURL(join(dist, b)).href]);
  rows.push({ module: `dist/${b}`, "at start-up": "yes", "alone RSS MB": round(c.mb, 1), "alone ms": round(c.ms, 0), "marginal RSS MB": "-" });
}
console.table(rows);
