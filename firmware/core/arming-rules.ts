/** Arm, disarm and bypass (EN 50131-1 setting and unsetting): refused with the open zones listed, force-arm, cancel after alarm. */
import { Cid, Qualifier } from "../../protocol/index.js";
import { endEntryByDisarm } from "./entry-delay.js";
import type { ArmedMode, AreaState, UserRecord } from "./panel-state.js";
import { blocking, describe, isClear, reportOverrides, settingConditions, type Fault } from "./setting-prevention.js";
import { areaState, keypad, log, report, zoneCfg, type StepContext } from "./step-context.js";
import { reevaluateArea } from "./zone-rules.js";

export type Source = { readonly by: "keypad"; readonly user: number } | { readonly by: "remote" };

/** Why an arm was refused, over all the target areas (empty lists: not refused). */
export interface ArmRefusal {
  readonly open: number[];
  readonly tampered: number[];
  readonly faults: Fault[];
}

function closingCode(mode: ArmedMode): number {
  return mode === "away" ? Cid.OpenClose : Cid.ArmedStay;
}

/** The area has become armed (exit delay over, or remote arm): report the closing and check every zone. */
export function completeArming(c: StepContext, a: AreaState, mode: ArmedMode, src: Source): void {
  a.phase = { kind: "armed", mode };
  if (src.by === "remote") report(c, Cid.RemoteOpenClose, Qualifier.Restore, a.area, { user: 0 });
  else report(c, closingCode(mode), Qualifier.Restore, a.area, { user: src.user });
  keypad(c, { kind: "armed", area: a.area });
  reevaluateArea(c, a);
}

const sorted = <T>(xs: T[]): T[] => [...new Set(xs)].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

/**
 * Arm all of `areas` or none (EN 50131-1 8.3 prevention of setting): an open or tampered zone, an active
 * tamper or a fault refuses the arm and the keypad names each condition, unless `overrideBy` (a user who
 * asked to override) may override every tamper and fault present. Returns the refusal, or undefined.
 */
export function arm(c: StepContext, areas: readonly number[], mode: ArmedMode, src: Source, overrideBy?: UserRecord): ArmRefusal | undefined {
  const targets = areas.map((n) => areaState(c.s, n)).filter((a): a is AreaState => a !== undefined && a.phase.kind === "disarmed");
  const all = targets.map((a) => ({ a, k: settingConditions(c, a, mode) }));
  const refusal: ArmRefusal = { open: [], tampered: [], faults: [] };
  for (const { a, k } of all) {
    const left = blocking(c, k, overrideBy);
    if (isClear(left)) continue;
    keypad(c, { kind: "arm-refused", area: a.area, open: k.open, tampered: k.tampered, faults: k.faults });
    log(c, `setting prevented: ${describe(left)}`, { area: a.area, ...(src.by === "keypad" ? { user: src.user } : {}) });
    refusal.open.push(...left.open);
    refusal.tampered.push(...left.tampered);
    refusal.faults.push(...left.faults);
  }
  if (refusal.open.length + refusal.tampered.length + refusal.faults.length > 0) {
    return { open: sorted(refusal.open), tampered: sorted(refusal.tampered), faults: sorted(refusal.faults) };
  }
  for (const { a, k } of all) {
    for (const zone of k.force) bypassZone(c, a, zone);
    if (overrideBy) reportOverrides(c, a, { ...k, open: [], force: [] }, overrideBy.user);
    // The memory of an alarm whose siren still sounds is not cleared by setting again.
    if (a.sirenUntil === undefined) {
      a.memory = [];
      a.hiddenMemory = [];
      a.alarmPending = false;
    }
    a.trips = [];
    if (src.by === "remote" || c.s.cfg.timing.exitDelayMs === 0) completeArming(c, a, mode, src);
    else {
      const until = c.now + c.s.cfg.timing.exitDelayMs;
      a.phase = { kind: "exit", mode, until, user: src.user };
      keypad(c, { kind: "exit-delay", area: a.area, until });
    }
  }
  return undefined;
}

export function bypassZone(c: StepContext, a: AreaState, zone: number): void {
  if (a.bypassed.includes(zone)) return;
  a.bypassed.push(zone);
  report(c, Cid.Bypass, Qualifier.New, a.area, { zone });
  keypad(c, { kind: "bypassed", zone });
}

/** Bypass by an authorised user, only while the zone's areas are disarmed; cleared at disarm. */
export function bypass(c: StepContext, zone: number, userAreas: readonly number[]): boolean {
  const z = zoneCfg(c.s, zone);
  if (!z || !z.bypassable) return false;
  const areas = z.areas.map((n) => areaState(c.s, n)).filter((a): a is AreaState => a !== undefined);
  if (!z.areas.every((n) => userAreas.includes(n)) || areas.some((a) => a.phase.kind !== "disarmed")) return false;
  for (const a of areas) bypassZone(c, a, zone);
  return true;
}

/**
 * Disarm: silence, clear bypasses (570 restore), report the opening, and 406 cancel when an alarm
 * happened in this period; the keypad then shows the alarm memory.
 */
export function disarm(c: StepContext, areas: readonly number[], src: Source): void {
  for (const n of areas) {
    const a = areaState(c.s, n);
    if (!a) continue;
    if (a.phase.kind === "disarmed" && !a.alarmPending && a.sirenUntil === undefined && a.deferred.length === 0) continue;
    // An arm cancelled during its exit delay never reported a closing, so it reports no opening either.
    const wasArmed = a.phase.kind === "armed" || a.phase.kind === "entry";
    const mode = a.phase.kind === "disarmed" ? undefined : a.phase.mode;
    a.phase = { kind: "disarmed" };
    a.sirenUntil = undefined;
    a.strobe = false;
    for (const zone of a.bypassed) report(c, Cid.Bypass, Qualifier.Restore, n, { zone });
    a.bypassed = [];
    a.trips = [];
    endEntryByDisarm(c, a);
    const user = src.by === "keypad" ? src.user : 0;
    if (wasArmed) {
      if (src.by === "remote") report(c, Cid.RemoteOpenClose, Qualifier.New, n, { user });
      else report(c, mode === "away" ? Cid.OpenClose : Cid.ArmedStay, Qualifier.New, n, { user });
    }
    if (a.alarmPending) {
      report(c, Cid.Cancel, Qualifier.New, n, { user });
      a.alarmPending = false;
    }
    keypad(c, { kind: "disarmed", area: n });
    if (a.memory.length > 0) keypad(c, { kind: "memory", area: n, zones: [...a.memory] });
  }
}
