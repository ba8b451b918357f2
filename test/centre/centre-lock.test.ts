/** One alarm-centre per centre directory: DIR/alarm-centre.pid, taken exclusively, a dead holder's taken over. */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { centreRunning, LOCK_FILE, lockCentreDir } from "../../simulator/centre/cli/centre-lock.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "centre-lock-"));
  dirs.push(d);
  return d;
};
const holder = (pid: number, host = hostname()) => JSON.stringify({ pid, host, since: "2026-11-30T10:00:00.000Z" });

describe("the centre directory lock", () => {
  it("the first holder writes its pid; a second process while it runs is refused naming that pid; after release it may start", () => {
    const d = tmp();
    const first = lockCentreDir(d, { pid: 101, isRunning: (p) => p === 101 });
    expect(first.staleHolder).toBeUndefined();
    expect(JSON.parse(readFileSync(join(d, LOCK_FILE), "utf8"))).toMatchObject({ pid: 101, host: hostname() });
    expect(() => lockCentreDir(d, { pid: 202, isRunning: (p) => p === 101 })).toThrow(
      expect.objectContaining({ code: "locked", message: expect.stringMatching(/in use by alarm-centre pid 101 .*alarm-centre\.pid/) }),
    );
    first.release();
    expect(existsSync(join(d, LOCK_FILE))).toBe(false);
    const second = lockCentreDir(d, { pid: 202, isRunning: () => true });
    expect(JSON.parse(readFileSync(join(d, LOCK_FILE), "utf8"))).toMatchObject({ pid: 202 });
    second.release();
  });

  it("a second start in the same process is refused too (its own pid is a live holder)", () => {
    const d = tmp();
    const first = lockCentreDir(d, { pid: 7, isRunning: () => false });
    expect(() => lockCentreDir(d, { pid: 7, isRunning: () => false })).toThrow(expect.objectContaining({ code: "locked" }));
    first.release();
  });

  it("a file left by a holder that no longer runs (SIGKILL), or an empty one, is taken over", () => {
    const d = tmp();
    writeFileSync(join(d, LOCK_FILE), holder(4242));
    const taken = lockCentreDir(d, { pid: 303, isRunning: (p) => p !== 4242 });
    expect(taken.staleHolder).toBe(4242);
    expect(JSON.parse(readFileSync(join(d, LOCK_FILE), "utf8"))).toMatchObject({ pid: 303 });
    taken.release();
    writeFileSync(join(d, LOCK_FILE), "");
    lockCentreDir(d, { pid: 304, isRunning: () => true }).release();
  });

  it("a holder on another host (a shared directory) cannot be checked from here: refused, naming the host", () => {
    const d = tmp();
    writeFileSync(join(d, LOCK_FILE), holder(55, "other-machine"));
    expect(() => lockCentreDir(d, { pid: 1, isRunning: () => false })).toThrow(expect.objectContaining({ code: "locked", message: expect.stringContaining("on other-machine") }));
  });

  it("release leaves a file that is no longer its own, and is idempotent", () => {
    const d = tmp();
    const lock = lockCentreDir(d, { pid: 11, isRunning: () => true });
    writeFileSync(join(d, LOCK_FILE), holder(12)); // removed by hand and taken by another
    lock.release();
    lock.release();
    expect(JSON.parse(readFileSync(join(d, LOCK_FILE), "utf8"))).toMatchObject({ pid: 12 });
  });

  it("a pid that does not run is no holder; a live pid that is not an alarm-centre (reused after a crash) is none either", () => {
    expect(centreRunning(2 ** 22 + 1)).toBe(false); // above Linux's pid_max
    const other = spawn("sleep", ["30"]);
    try {
      expect(centreRunning(other.pid!)).toBe(false); // alive, but its command line is not alarm-centre's
    } finally {
      other.kill();
    }
  });
});
