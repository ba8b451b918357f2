/**
 * One alarm-centre per centre directory: DIR/alarm-centre.pid, created exclusively (O_EXCL) at start and
 * removed at a clean stop. Two centres on one directory would both run receivers, supervision and the
 * broker on the same keys (on SQLite on the same file), so the second one refuses, naming the holder.
 * A file left by a process that died (SIGKILL, power loss) names a pid that no longer runs, or one the
 * system has since given to another program: either is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { CentreError } from "../errors.js";

export const LOCK_FILE = "alarm-centre.pid";

export interface CentreLock {
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
  /** Whether `pid` is an alarm-centre that still runs (default: signal 0, then /proc/PID/cmdline on Linux). */
  readonly isRunning?: (pid: number) => boolean;
}

/** The holder recorded in the file: {pid, host, since}. */
interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

export function lockCentreDir(dir: string, opts: LockOptions = {}): CentreLock {
  const file = join(dir, LOCK_FILE);
  const pid = opts.pid ?? process.pid;
  const isRunning = opts.isRunning ?? centreRunning;
  const mine: Holder = { pid, host: hostname(), since: new Date().toISOString() };
  // Two tries: the second after removing a stale file (another starter may win that race: then it holds).
  let stale: number | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, "wx", 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw new CentreError("bad-argument", `cannot create ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      const holder = readHolder(file);
      if (holder && holder.host === mine.host && (holder.pid === pid || isRunning(holder.pid))) {
        throw new CentreError("locked", `${dir} is in use by alarm-centre pid ${holder.pid} (since ${holder.since}, ${file}): stop that one first; one alarm-centre per centre directory`);
      }
      if (holder && holder.host !== mine.host) {
        // A directory shared over the network: a pid on another machine cannot be checked from here.
        throw new CentreError("locked", `${dir} is in use by alarm-centre pid ${holder.pid} on ${holder.host} (since ${holder.since}, ${file}): if that machine's centre is stopped, remove the file`);
      }
      stale = holder?.pid;
      removeIfSame(file, holder);
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
        if (now && now.pid === pid && now.since === mine.since) removeIfSame(file, now);
      },
    };
  }
  throw new CentreError("locked", `${dir}: another alarm-centre took ${file} while this one was starting`);
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

function removeIfSame(file: string, holder: Holder | undefined): void {
  const now = readHolder(file);
  if (now?.pid !== holder?.pid || now?.since !== holder?.since) return; // someone else's by now
  try {
    unlinkSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw new CentreError("bad-argument", `cannot remove the stale ${file}: ${(e as NodeJS.ErrnoException).code}`);
  }
}

/** A live process that is an alarm-centre (a pid reused by another program after a crash is not). */
export function centreRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false; // ESRCH: no such process
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("alarm-centre");
  } catch {
    return true; // no /proc (not Linux): a live pid is taken as the holder
  }
}
