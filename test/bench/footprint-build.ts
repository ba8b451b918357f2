/**
 * The built JavaScript the panel command runs (`npm run build` -> dist/), made first when it is missing
 * or older than a source file, so the footprint figures are always of the current code on plain node.
 * Built beside dist/ and swapped in, so a command started meanwhile (bin/launch.js prefers dist/) never
 * loads a half-written tree.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = join(import.meta.dirname, "../..");
export const DIST = join(ROOT, "dist");
const SOURCES = ["protocol", "firmware", "gateway", "simulator"];
// Written last by a build, so its time is the build's.
const STAMP = join(DIST, "package.json");

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith(".ts")) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export function distIsCurrent(): boolean {
  // A dist/ without the pages' assets (built by plain tsc) cannot serve the console: build it again.
  if (!existsSync(STAMP) || !existsSync(join(DIST, "simulator/console/assets"))) return false;
  const built = statSync(STAMP).mtimeMs;
  const inputs = [...SOURCES.map((d) => newestSource(join(ROOT, d))), statSync(join(ROOT, "package.json")).mtimeMs, statSync(join(ROOT, "tsconfig.build.json")).mtimeMs];
  return inputs.every((t) => t <= built);
}

/** dist/ as `npm run build` makes it; builds only when missing or stale. Returns the dist directory. */
export function ensureBuilt(): string {
  if (distIsCurrent()) return DIST;
  const tmp = join(ROOT, `dist.build-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
  const r = spawnSync(process.execPath, [tsc, "-p", join(ROOT, "tsconfig.build.json"), "--outDir", tmp], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  if (r.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`build failed:\n${r.stdout.toString()}${r.stderr.toString()}`);
  }
  // What `npm run build` adds after tsc (package.json, BUILD.json, the pages' assets): a dist/ left by the
  // bench is one the commands can run from (alarm-centre serves the console's assets from it).
  const stamp = spawnSync(process.execPath, [join(ROOT, "bin/build-stamp.js"), relative(ROOT, tmp)], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  if (stamp.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`build stamp failed:\n${stamp.stderr.toString()}`);
  }
  rmSync(DIST, { recursive: true, force: true });
  renameSync(tmp, DIST);
  return DIST;
}
