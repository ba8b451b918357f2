/**
 * One alarm-centre per centre directory: DIR/alarm-centre.pid (gateway/dir-lock.ts). Two centres on one
 * directory would both run receivers, supervision and the broker on the same keys (on SQLite on the same
 * file), so the second one refuses, naming the holder; a file left by a centre that died is taken over.
 */
import { lockDir, programRunning, type DirLock, type LockOptions } from "../../../gateway/dir-lock.js";
import { CentreError } from "../errors.js";

const NAME = "alarm-centre";
export const LOCK_FILE = `${NAME}.pid`;
export type CentreLock = DirLock;

const CENTRE = {
  name: NAME,
  rule: `one ${NAME} per centre directory`,
  error: (kind: "locked" | "io", message: string) => new CentreError(kind === "locked" ? "locked" : "bad-argument", message),
};

export function lockCentreDir(dir: string, opts: LockOptions = {}): CentreLock {
  return lockDir(dir, CENTRE, opts);
}

/** A live process that is an alarm-centre (a pid reused by another program after a crash is not). */
export function centreRunning(pid: number): boolean {
  return programRunning(pid, NAME);
}
