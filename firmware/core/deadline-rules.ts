/** Deadlines live in the state; the edge wakes the core with `tick` at nextDeadline(state). */
import { Cid, Qualifier } from "../../protocol/index.js";
import { completeArming } from "./arming-rules.js";
import type { PanelState } from "./panel-state.js";
import { report, type StepContext } from "./step-context.js";
import { notifyAlarm } from "./alarm-rules.js";
import { entryExpired } from "./entry-delay.js";
import { endLockout, lockoutDeadline } from "./lockout.js";
import { troubleCodes } from "./trouble-rules.js";

export function nextDeadline(s: PanelState): number {
  const ds: number[] = [s.nextPeriodicTest];
  for (const a of s.areas) {
    if (a.phase.kind === "exit" || a.phase.kind === "entry") ds.push(a.phase.until);
    if (a.sirenUntil !== undefined) ds.push(a.sirenUntil);
    for (const d of a.deferred) ds.push(d.due);
  }
  if (s.walkTestUntil !== undefined) ds.push(s.walkTestUntil);
  const lockout = lockoutDeadline(s);
  if (lockout !== undefined) ds.push(lockout);
  if (s.installerUntil !== undefined) ds.push(s.installerUntil);
  return Math.min(...ds);
}

export function onTick(c: StepContext): void {
  const s = c.s;
  for (const a of s.areas) {
    const p = a.phase;
    if (p.kind === "exit" && c.now >= p.until) completeArming(c, a, p.mode, { by: "keypad", user: p.user });
    else entryExpired(c, a);
    const due = a.deferred.filter((d) => c.now >= d.due);
    a.deferred = a.deferred.filter((d) => c.now < d.due);
    for (const d of due) notifyAlarm(c, a.area, d.zone, d.code);
    // Issue #3: the siren stops at its time limit; the strobe stays on until disarm.
    if (a.sirenUntil !== undefined && c.now >= a.sirenUntil) a.sirenUntil = undefined;
  }
  if (s.walkTestUntil !== undefined && c.now >= s.walkTestUntil) s.walkTestUntil = undefined;
  endLockout(c);
  if (s.installerUntil !== undefined && c.now >= s.installerUntil) s.installerUntil = undefined;
  if (c.now >= s.nextPeriodicTest) {
    report(c, troubleCodes(s).length > 0 ? Cid.PeriodicTestTrouble : Cid.PeriodicTest, Qualifier.New, 0);
    s.nextPeriodicTest = c.now + s.cfg.timing.periodicTestMs;
  }
}
