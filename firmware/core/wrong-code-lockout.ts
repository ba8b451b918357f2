/**
 * The wrong-code lockout, in one place (EN 50131-1): after `wrongCodeLimit` (10) invalid codes the keypad
 * is disabled for `lockoutMs` (90 s) and 461 is reported; grade 3 disables it again after each further
 * invalid code; a valid code resets the count. While locked out the edge does not even check the digits.
 */
import { Cid, Qualifier } from "../../protocol/index.js";
import type { PanelState } from "./panel-state.js";
import { keypad, log, report, type StepContext } from "./step-context.js";

export function lockedOut(c: { s: { wrongCodes: { lockedUntil: number | undefined } }; now: number }): boolean {
  const until = c.s.wrongCodes.lockedUntil;
  return until !== undefined && c.now < until;
}

/** A code was entered while locked out: the keypad says so, nothing else happens. */
export function refuseWhileLocked(c: StepContext): void {
  keypad(c, { kind: "locked", until: c.s.wrongCodes.lockedUntil ?? c.now });
}

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

export function lockoutDeadline(s: PanelState): number | undefined {
  return s.wrongCodes.lockedUntil;
}

/** At a tick: the lockout is over. */
export function onLockoutTick(c: StepContext): void {
  const w = c.s.wrongCodes;
  if (w.lockedUntil !== undefined && c.now >= w.lockedUntil) w.lockedUntil = undefined;
}
