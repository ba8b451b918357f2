/** Deadlines live in the state; the edge wakes the core with `tick` at nextDeadline(state). */
import { Cid, Qualifier } from "../../protocol/index.js";
import { completeArming } from "./arming-rules.js";
import type { PanelState } from "./panel-state.js";
import { report, type StepContext } from "./step-context.js";
import { entryDeadlines, onEntryTick } from "./entry-delay.js";
import { troubleCodes } from "./trouble-rules.js";
import { lockoutDeadline, onLockoutTick } from "./wrong-code-lockout.js";

export function nextDeadline(s: PanelState): number {
  const ds: number[] = [s.nextPeriodicTest];
  for (const a of s.areas) {
    if (a.phase.kind === "exit") ds.push(a.phase.until);
    ds.push(...entryDeadlines(a));
    if (a.sirenUntil !== undefined) ds.push(a.sirenUntil);
  }
  if (s.walkTestUntil !== undefined) ds.push(s.walkTestUntil);
  const lock = lockoutDeadline(s);
  if (lock !== undefined) ds.push(lock);
  if (s.installerUntil !== undefined) ds.push(s.installerUntil);
  return Math.min(...ds);
}

export function onTick(c: StepContext): void {
  const s = c.s;
  for (const a of s.areas) {
    const p = a.phase;
    if (p.kind === "exit" && c.now >= p.until) completeArming(c, a, p.mode, { by: "keypad", user: p.user });
    else onEntryTick(c, a);
    // The siren stops at its time limit; the strobe stays on until disarm.
    if (a.sirenUntil !== undefined && c.now >= a.sirenUntil) a.sirenUntil = undefined;
  }
  if (s.walkTestUntil !== undefined && c.now >= s.walkTestUntil) s.walkTestUntil = undefined;
  onLockoutTick(c);
  if (s.installerUntil !== undefined && c.now >= s.installerUntil) s.installerUntil = undefined;
  if (c.now >= s.nextPeriodicTest) {
    report(c, troubleCodes(s).length > 0 ? Cid.PeriodicTestTrouble : Cid.PeriodicTest, Qualifier.New, 0);
    s.nextPeriodicTest = c.now + s.cfg.timing.periodicTestMs;
  }
}
