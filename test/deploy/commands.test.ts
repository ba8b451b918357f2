/**
 * Every command speaks the one argument layer (protocol/cli/command-line.ts): --help on stdout with exit 0,
 * an unknown flag exits 2 with one line naming it, a missing file is named, and no user error prints a
 * stack trace. The bins are run as processes once each (from the sources); the rest calls main().
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { main as alarmctl } from "../../protocol/cli/alarmctl.js";
import { main as centre } from "../../simulator/centre/cli/alarm-centre.js";
import { main as provision } from "../../simulator/centre/cli/alarm-provision.js";
import { main as sim } from "../../simulator/scenario/alarm-sim.js";
import { runBin } from "./centre-process.js";

type Main = (argv: readonly string[], io: { stdin: Readable; stdout: PassThrough; stderr: PassThrough }) => Promise<number>;

async function call(m: Main, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d) => (out += d));
  stderr.on("data", (d) => (err += d));
  const code = await m(args, { stdin: Readable.from([""]), stdout, stderr });
  return { code, out, err };
}

const simMain: Main = (argv, io) => sim(argv, (s) => io.stdout.write(s), (s) => io.stderr.write(s));
const commands: [string, Main][] = [
  ["alarmctl", alarmctl as Main],
  ["alarm-sim", simMain],
  ["alarm-provision", provision as Main],
  ["alarm-centre", centre as Main],
];
const dir = mkdtempSync(join(tmpdir(), "commands-"));

describe.each(commands)("%s", (name, m) => {
  it("--help prints the usage on stdout and exits 0 (as a process, through its bin)", () => {
    const r = runBin(name, ["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^usage: ${name}|^usage:\\n  ${name}`));
    expect(r.stderr).toBe("");
  });

  it("an unknown flag exits 2 with one line naming it", async () => {
    const r = await call(m, ["--no-such-flag"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(new RegExp(`^${name}: .*--no-such-flag.*\\n$`));
    expect(r.err.split("\n")).toHaveLength(2);
  });

  it("--version prints the package version", async () => {
    expect((await call(m, ["--version"])).out).toMatch(new RegExp(`^${name} \\d+\\.\\d+\\.\\d+\\n$`));
  });
});

describe("a missing file is named, without a stack trace", () => {
  const missing = join(dir, "missing");
  it.each([
    ["alarmctl", alarmctl as Main, ["decode", "--pub", join(missing, "public.pem")], 2],
    ["alarm-sim", simMain, ["scenario", join(missing, "panel.yaml"), join(missing, "s.yaml")], 2],
    ["alarm-provision", provision as Main, ["--centre", missing, "--crl"], 1],
    ["alarm-centre", centre as Main, ["--centre", missing], 1],
  ] as const)("%s", async (_name, m, args, code) => {
    const r = await call(m, [...args]);
    expect(r.code).toBe(code);
    expect(r.err).toContain(missing);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("alarm-centre: a directory that is not a centre names the file it lacks", async () => {
    const r = await call(centre as Main, ["--centre", dir]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/is not a centre directory .*centre\.json/);
  });

  it("alarm-centre: a bad value exits 2 naming the flag", async () => {
    expect((await call(centre as Main, ["--centre", dir, "--receivers", "0"])).err).toMatch(/--receivers takes a whole number from 1 to 64/);
    expect((await call(centre as Main, ["--centre", dir, "--http", "nowhere"])).err).toMatch(/--http takes HOST:PORT/);
    expect((await call(centre as Main, ["--centre", dir, "--broker", "ftp://x"])).code).toBe(2);
  });
});
