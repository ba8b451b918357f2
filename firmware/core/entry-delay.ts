/**
 * The entry delay, in one place (EN 50131-1 setting and unsetting): when it starts, its deadline, what
 * happens on the entry route while it runs, what ends it, and how it survives a power cut.
 *   starts   an armed, non-bypassed entry-exit zone opens (zone-rules.ts hands it here)
 *   route    entry-exit and follower zones wait while it runs; an instant zone alarms at once
 *   deadline now + timing.entryDelayMs, at most 45 s (EN 50131-1: entry time should not exceed 45 s)
 *   ends     a valid disarm (arming-rules.ts disarm) or expiry: the entry zone then alarms
 *   unsetting a burglary alarm while it runs sounds at once but is notified remotely only after the entry
 *            time and `unsetDeferralMs` of siren (EN 50131-1); a disarm before then keeps it local
 *   restart  an area cut off during its entry delay comes back with a full entry delay
 */
import type { ZoneConfig } from "../config/panel-config.js";
import { notifyAlarm, raiseAlarm } from "./alarm-rules.js";
import type { ArmedMode, AreaPhase, AreaState, NvState } from "./panel-state.js";
import { isBurglary, keypad, log, type StepContext } from "./step-context.js";

/** EN 50131-1: entry time should not exceed 45 s; a config above it is refused, not clamped. */
export const MAX_ENTRY_DELAY_MS = 45_000;

export function startEntry(c: StepContext, a: AreaState, mode: ArmedMode, zone: number): void {
  const until = c.now + c.s.cfg.timing.entryDelayMs;
  a.phase = { kind: "entry", mode, until, zone };
  keypad(c, { kind: "entry-delay", area: a.area, until });
}

/** A zone armed in the mode was violated while the entry delay runs. */
export function onEntryRoute(c: StepContext, z: ZoneConfig, a: AreaState): void {
  if (z.type === "instant") raiseAlarm(c, z, a.area);
  // entry-exit and follower zones are on the entry route while the entry delay runs
}

/** The deadlines the entry delay owns in this area: its end, and deferred notifications. */
export function entryDeadlines(a: AreaState): number[] {
  const ds = a.deferred.map((d) => d.due);
  if (a.phase.kind === "entry") ds.push(a.phase.until);
  return ds;
}

/** At a tick: the entry time is over without a valid code (alarm on the entry zone); deferred alarms due. */
export function onEntryTick(c: StepContext, a: AreaState): void {
  const p = a.phase;
  if (p.kind === "entry" && c.now >= p.until) {
    a.phase = { kind: "armed", mode: p.mode };
    const z = c.s.cfg.zones.find((x) => x.zone === p.zone);
    if (z) raiseAlarm(c, z, a.area);
  }
  const due = a.deferred.filter((d) => c.now >= d.due);
  a.deferred = a.deferred.filter((d) => c.now < d.due);
  for (const d of due) notifyAlarm(c, a.area, d.zone, d.code);
}

/** An alarm during unsetting: true when its remote notification was deferred (the caller then stops). */
export function deferDuringEntry(c: StepContext, a: AreaState, z: ZoneConfig, code: number): boolean {
  const defer = c.s.cfg.timing.unsetDeferralMs;
  if (!isBurglary(z) || a.phase.kind !== "entry" || defer <= 0) return false;
  a.deferred.push({ code, zone: z.zone, due: Math.max(a.phase.until, c.now + defer) });
  log(c, "alarm during unsetting: notification deferred", { area: a.area, zone: z.zone });
  return true;
}

/** A valid disarm ends the entry delay: deferred alarms are dropped, never notified. */
export function endEntryByDisarm(c: StepContext, a: AreaState): void {
  for (const d of a.deferred) log(c, "deferred alarm cancelled by disarm, not notified", { area: a.area, zone: d.zone });
  a.deferred = [];
}

/** The phase an area resumes in after power-up: cutting the power must not cancel an entry. */
export function resumedPhase(saved: NvState["areas"][number] | undefined, entryDelayMs: number, now: number): AreaPhase {
  if (!saved || saved.mode === "disarmed") return { kind: "disarmed" };
  if (saved.entryZone !== undefined) return { kind: "entry", mode: saved.mode, until: now + entryDelayMs, zone: saved.entryZone };
  return { kind: "armed", mode: saved.mode };
}
