/**
 * One process of a program per directory: DIR/<program>.pid, created exclusively (O_EXCL) at start and
 * removed at a clean stop. Two alarm-centres on one centre directory would both run receivers and the
 * broker on the same keys; two alarm-panels on one data directory would both send from one outbox under
 * one client id (each taking the broker session from the other, renumbering the other's frames). So the
 * second one refuses, naming the holder. A file left by a process that died (SIGKILL, power loss) names a
 * pid that no longer runs, or one the system has since given to another program: either is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

export interface DirLock {
  /** The lock file's path. */
  readonly file: string;
  /** The pid a stale file named (a centre that did not stop cleanly), when this lock took it over. */
  readonly staleHolder?: number;
  /** Removes the file if it is still this holder's. Idempotent. */
  release(): void;
}

export interface LockOptions {
  /** This process's id (default process.pid). */
  readonly pid?: number;
  /** Whether `pid` is the program still running (default: signal 0, then /proc/PID/cmdline on Linux). */
  readonly isRunning?: (pid: number) => boolean;
}

export interface LockProgram {
  /** The command's name: the lock file is `<name>.pid`, and a holder's command line names it. */
  readonly name: string;
  /** What one per directory means, for the refusal ("one alarm-centre per centre directory"). */
  readonly rule: string;
  /** The program's typed error: "locked" when another holds the directory, "io" when the file cannot be made. */
  readonly error: (kind: "locked" | "io", message: string) => Error;
}

/** The holder recorded in the file: {pid, host, since}. */
interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

export function lockDir(dir: string, program: LockProgram, opts: LockOptions = {}): DirLock {
  const file = join(dir, `${program.name}.pid`);
  const pid = opts.pid ?? process.pid;
  const isRunning = opts.isRunning ?? ((p: number) => programRunning(p, program.name));
  const fail = program.error;
  const mine: Holder = { pid, host: hostname(), since: new Date().toISOString() };
  // Two tries: the second after removing a stale file (another starter may win that race: then it holds).
  let stale: number | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, "wx", 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw fail("io", `cannot create ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      const holder = readHolder(file);
      if (holder && holder.host === mine.host && (holder.pid === pid || isRunning(holder.pid))) {
        throw fail("locked", `${dir} is in use by ${program.name} pid ${holder.pid} (since ${holder.since}, ${file}): stop that one first; ${program.rule}`);
      }
      if (holder && holder.host !== mine.host) {
        // A directory shared over the network: a pid on another machine cannot be checked from here.
        throw fail("locked", `${dir} is in use by ${program.name} pid ${holder.pid} on ${holder.host} (since ${holder.since}, ${file}): if it is stopped on that machine, remove the file`);
      }
      stale = holder?.pid;
      removeIfSame(file, holder, fail);
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(mine) + "\n");
    } finally {
      closeSync(fd);
    }
    let released = false;
    return {
      file,
      ...(stale !== undefined ? { staleHolder: stale } : {}),
      release: () => {
        if (released) return;
        released = true;
        const now = readHolder(file);
        if (now && now.pid === pid && now.since === mine.since) removeIfSame(file, now, fail);
      },
    };
  }
  throw fail("locked", `${dir}: another ${program.name} took ${file} while this one was starting`);
}

function readHolder(file: string): Holder | undefined {
  try {
    const h = JSON.parse(readFileSync(file, "utf8")) as Partial<Holder>;
    if (typeof h.pid === "number" && Number.isInteger(h.pid) && h.pid > 0) return { pid: h.pid, host: String(h.host ?? ""), since: String(h.since ?? "?") };
  } catch {
    // gone, empty (a holder killed between create and write) or not ours: stale
  }
  return undefined;
}

function removeIfSame(file: string, holder: Holder | undefined, fail: LockProgram["error"]): void {
  const now = readHolder(file);
  if (now?.pid !== holder?.pid || now?.since !== holder?.since) return; // someone else's by now
  try {
    unlinkSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw fail("io", `cannot remove the stale ${file}: ${(e as NodeJS.ErrnoException).code}`);
  }
}

/** A live process running `name` (a pid reused by another program after a crash is not). */
export function programRunning(pid: number, name: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false; // ESRCH: no such process
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(name);
  } catch {
    return true; // no /proc (not Linux): a live pid is taken as the holder
  }
}
