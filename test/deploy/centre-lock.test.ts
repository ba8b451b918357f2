/**
 * Two alarm-centre processes on one centre directory, as a clumsy admin starts them (other ports, so
 * nothing else would stop the second): the second exits 1 with one line naming the first's pid and
 * binds nothing; SIGTERM removes the lock; a SIGKILLed centre's stale file does not keep the next one out.
 * A typo'd --store scheme is one line without the password, exit 1.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBin, startCentreProcess, type CentreProcess } from "./centre-process.js";

let dir: string;
const centre = () => join(dir, "centre");
const lockFile = () => join(centre(), "alarm-centre.pid");
const ports = ["--mqtt", "127.0.0.1:0", "--http", "127.0.0.1:0", "--metrics", "127.0.0.1:0"];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "centre-lock-test-"));
  const r = runBin("alarm-provision", ["--centre", centre(), "--init"]);
  expect(r.status).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function exitOf(c: CentreProcess): Promise<number | null> {
  return new Promise((resolve) => (c.child.exitCode !== null ? resolve(c.child.exitCode) : c.child.once("exit", resolve)));
}

describe("one alarm-centre per centre directory", () => {
  it("the second on the same directory exits 1 naming the first's pid; after SIGTERM the lock is gone and the next one starts", async () => {
    const first = startCentreProcess(["--centre", centre(), ...ports]);
    try {
      await first.line("centre running");
      expect(JSON.parse(readFileSync(lockFile(), "utf8"))).toMatchObject({ pid: first.child.pid });
      const second = runBin("alarm-centre", ["--centre", centre(), ...ports]);
      expect(second.status).toBe(1);
      expect(second.stderr.trim().split("\n")).toEqual([expect.stringMatching(new RegExp(`^alarm-centre: locked: .* in use by alarm-centre pid ${first.child.pid} `))]);
      expect(second.stdout).not.toMatch(/broker listening|centre running/); // it bound nothing
      expect(JSON.parse(readFileSync(lockFile(), "utf8"))).toMatchObject({ pid: first.child.pid }); // not removed by the loser
    } finally {
      expect(await first.stop()).toBe(0);
    }
    expect(existsSync(lockFile())).toBe(false);
  });

  it("a SIGKILLed centre leaves its file behind; the next start takes it over", async () => {
    const killed = startCentreProcess(["--centre", centre(), ...ports]);
    await killed.line("centre running");
    killed.child.kill("SIGKILL");
    await exitOf(killed);
    expect(JSON.parse(readFileSync(lockFile(), "utf8"))).toMatchObject({ pid: killed.child.pid });
    const next = startCentreProcess(["--centre", centre(), ...ports]);
    try {
      await next.line("centre running");
      expect(JSON.parse(readFileSync(lockFile(), "utf8"))).toMatchObject({ pid: next.child.pid });
      expect(await next.line("took over the lock of a centre that did not stop cleanly")).toMatchObject({ pid: killed.child.pid });
    } finally {
      expect(await next.stop()).toBe(0);
    }
  });

  it("another centre directory on a port in use: one line naming the listener and its flag, exit 1, its lock released", async () => {
    const first = startCentreProcess(["--centre", centre(), ...ports]);
    try {
      const running = await first.line("centre running");
      const other = join(dir, "other");
      expect(runBin("alarm-provision", ["--centre", other, "--init"]).status).toBe(0);
      const r = runBin("alarm-centre", ["--centre", other, "--mqtt", "127.0.0.1:0", "--http", String(running.http), "--metrics", "127.0.0.1:0"]);
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split("\n")).toEqual([`alarm-centre: bad-argument: the operator API (--http) cannot listen on ${String(running.http)}: EADDRINUSE, the address is in use (another alarm-centre, or another program?)`]);
      expect(existsSync(join(other, "alarm-centre.pid"))).toBe(false);
    } finally {
      expect(await first.stop()).toBe(0);
    }
  });

  it("--store with a typo'd scheme: one line, bad-location, no password, exit 1, no lock left", () => {
    const r = runBin("alarm-centre", ["--centre", centre(), "--store", "postgress://alarm:s3cretPW@127.0.0.1:5432/centre", ...ports]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^alarm-centre: bad-location: centre store postgress:\/\/alarm:\*\*\*@127\.0\.0\.1:5432\/centre: not a postgres:\/\/ URL/)]);
    expect(r.stdout + r.stderr).not.toContain("s3cretPW");
    expect(existsSync(lockFile())).toBe(false);
  });
});
