/**
 * The EN 50131-1 wrong-code lockout: after `wrongCodeLimit` (default 10) invalid codes the keypad is
 * disabled for `lockoutMs` (default 90 s) and 461 is reported; grade 3 disables it again after each further
 * invalid code, grade 2 counts afresh. A valid code resets the count. While locked out the edge does not
 * even check the digits (firmware/panel-runtime.ts asks `lockedOut`).
 */
import { Cid, Qualifier } from "../../protocol/index.js";
import { keypad, log, report, type StepContext } from "./step-context.js";

export function lockedOut(c: { s: { wrongCodes: { lockedUntil: number | undefined } }; now: number }): boolean {
  const until = c.s.wrongCodes.lockedUntil;
  return until !== undefined && c.now < until;
}

/** An invalid code: count it, and lock the keypad at the limit. */
export function wrongCode(c: StepContext): void {
  const w = c.s.wrongCodes;
  w.count += 1;
  keypad(c, { kind: "invalid-code" });
  log(c, "invalid code");
  const limit = c.s.cfg.timing.wrongCodeLimit;
  if (w.count < limit) return;
  w.lockedUntil = c.now + c.s.cfg.timing.lockoutMs;
  if (c.s.cfg.grade === 2) w.count = 0;
  report(c, Cid.WrongCode, Qualifier.New, 0);
  keypad(c, { kind: "locked", until: w.lockedUntil });
}

/** A valid code resets the count. */
export function validCode(c: StepContext): void {
  c.s.wrongCodes.count = 0;
}

/** The lockout's deadline, if one runs (the core's next tick). */
export function lockoutDeadline(s: { wrongCodes: { lockedUntil: number | undefined } }): number | undefined {
  return s.wrongCodes.lockedUntil;
}

/** At the tick: the keypad is enabled again once the lockout time is over. */
export function endLockout(c: StepContext): void {
  const w = c.s.wrongCodes;
  if (w.lockedUntil !== undefined && c.now >= w.lockedUntil) w.lockedUntil = undefined;
}
