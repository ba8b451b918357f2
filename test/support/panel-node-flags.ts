/**
 * The node flags and environment the panel process ships with: those of deploy/alarm-panel.service (what
 * a Raspberry Pi runs). The footprint bench and the process test start the panel with them.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "../..");

/** The flags between `node` and the script in a command line. */
export function nodeFlagsOf(commandLine: string): string[] {
  const words = commandLine.trim().split(/\s+/);
  const node = words.findIndex((w) => /(^|\/)node$/.test(w));
  const script = words.findIndex((w) => w.endsWith(".js"));
  return node < 0 || script < 0 ? [] : words.slice(node + 1, script);
}

export function panelNodeFlags(): string[] {
  const unit = readFileSync(join(ROOT, "deploy/alarm-panel.service"), "utf8");
  const exec = /^ExecStart=(.*)$/m.exec(unit);
  if (!exec) throw new Error("deploy/alarm-panel.service has no ExecStart");
  return nodeFlagsOf(exec[1]!);
}

/** The environment the unit sets for the process (Environment=NAME=value lines). */
export function panelEnv(): Record<string, string> {
  const unit = readFileSync(join(ROOT, "deploy/alarm-panel.service"), "utf8");
  return Object.fromEntries([...unit.matchAll(/^Environment=([A-Z_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** NAME=value assignments on bin/alarm-panel.js's `#!/usr/bin/env -S` line. */
export function shebangEnv(): Record<string, string> {
  const first = readFileSync(join(ROOT, "bin/alarm-panel.js"), "utf8").split("\n")[0]!;
  return Object.fromEntries([...first.matchAll(/\s([A-Z_]+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
}

/** The flags on bin/alarm-panel.js's `#!/usr/bin/env -S node ...` line. */
export function shebangNodeFlags(): string[] {
  const first = readFileSync(join(ROOT, "bin/alarm-panel.js"), "utf8").split("\n")[0]!;
  return nodeFlagsOf(`${first.replace(/^#!\/usr\/bin\/env -S /, "").replace(/[A-Z_]+=\S+\s+/g, "")} bin/alarm-panel.js`);
}
