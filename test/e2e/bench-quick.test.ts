/**
 * `npm run bench -- --quick` runs and produces every figure of the Performance table (README.md) with its baseline. Speed targets
 * are the benchmark's business (it prints pass/fail); this test never asserts on time.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");

describe("npm run bench -- --quick", () => {
  it("produces every figure, each with a baseline from the same run", () => {
    const out = join(mkdtempSync(join(tmpdir(), "bench-quick-")), "figures.json");
    const r = spawnSync(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "test/bench/run.ts"), "--quick", "--out", out], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 300_000,
    });
    expect(r.status, r.stderr.toString().slice(-2000)).toBe(0);
    const res = JSON.parse(readFileSync(out, "utf8")) as { quick: boolean; figures: { name: string; value: number; baseline: number; unit: string; ratio: number; target: string; pass: boolean }[] };
    expect(res.quick).toBe(true);
    const names = res.figures.map((f) => f.name);
    const families = [/^size: alarm frame/, /^size: heartbeat frame/, /^outbox: durable enqueue/, /^panel process RSS/, /^panel process idle CPU/, /^panel process start-up/, /^hostile frame, worst of/, /^centre store: PostgreSQL group commit/, /^centre on SQLite: 1 receiver/, /^centre on PostgreSQL: 1 receiver/, /^centre on PostgreSQL: 2 receivers sharing/, /^centre on PostgreSQL: receiver CPU per frame/];
    for (const broker of ["aedes", "mosquitto"]) {
      families.push(
        new RegExp(`^alarm latency p99 \\(${broker}\\)`),
        new RegExp(`^alarm stage p99 \\(${broker}\\): store commit`),
        new RegExp(`^centre: 1 receiver, .*\\(${broker}\\)`),
        new RegExp(`^centre: 2 receivers sharing \\(${broker}\\)`),
        new RegExp(`^centre: receiver CPU per frame, 2 receivers \\(${broker}\\)`),
        new RegExp(`^backlog drain, .*\\(${broker}\\)`),
      );
    }
    for (const f of families) expect(names.some((n) => f.test(n)), `no figure matches ${f}`).toBe(true);
    for (const f of res.figures) {
      if (/\(not measured: /.test(f.name)) continue; // a figure whose tool is missing says so (PostgreSQL)
      expect(Number.isFinite(f.value) && f.value > 0, `${f.name} value`).toBe(true);
      expect(Number.isFinite(f.baseline) && f.baseline > 0, `${f.name} baseline`).toBe(true);
      expect(typeof f.pass).toBe("boolean");
    }
  }, 360_000);
});
