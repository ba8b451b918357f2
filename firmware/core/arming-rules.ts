/** Arm, disarm and bypass (EN 50131-1 setting and unsetting): refused with the open zones listed, force-arm, cancel after alarm. */
import { Cid, Qualifier } from "../../protocol/index.js";
import type { ArmedMode, AreaState } from "./panel-state.js";
import { armedIn, areaState, keypad, log, report, zoneCfg, zoneState, type StepContext } from "./step-context.js";
import { reevaluateArea } from "./zone-rules.js";

export type Source = { readonly by: "keypad"; readonly user: number } | { readonly by: "remote" };

/** Open, non-bypassed zones that the mode would arm; force-armable ones are returned separately. */
function openZones(c: StepContext, a: AreaState, mode: ArmedMode): { refuse: number[]; force: number[] } {
  const refuse: number[] = [];
  const force: number[] = [];
  for (const z of c.s.cfg.zones) {
    if (!z.areas.includes(a.area) || !armedIn(z, mode) || a.bypassed.includes(z.zone)) continue;
    if (!zoneState(c.s, z.zone)?.active) continue;
    (z.forceArm ? force : refuse).push(z.zone);
  }
  return { refuse, force };
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

/**
 * Arm all of `areas` or none: a non-bypassed open zone refuses the arm and the keypad lists it.
 * Returns the refused zones (empty on success).
 */
export function arm(c: StepContext, areas: readonly number[], mode: ArmedMode, src: Source): number[] {
  const targets = areas.map((n) => areaState(c.s, n)).filter((a): a is AreaState => a !== undefined && a.phase.kind === "disarmed");
  const refused: number[] = [];
  for (const a of targets) {
    const { refuse } = openZones(c, a, mode);
    if (refuse.length > 0) keypad(c, { kind: "arm-refused", area: a.area, open: refuse });
    refused.push(...refuse);
  }
  if (refused.length > 0) {
    log(c, `arming refused, open zones ${refused.join(",")}`, src.by === "keypad" ? { user: src.user } : {});
    return [...new Set(refused)].sort((x, y) => x - y);
  }
  for (const a of targets) {
    for (const zone of openZones(c, a, mode).force) bypassZone(c, a, zone);
    a.memory = [];
    a.trips = [];
    a.alarmPending = false;
    if (src.by === "remote" || c.s.cfg.timing.exitDelayMs === 0) completeArming(c, a, mode, src);
    else {
      const until = c.now + c.s.cfg.timing.exitDelayMs;
      a.phase = { kind: "exit", mode, until, user: src.user };
      keypad(c, { kind: "exit-delay", area: a.area, until });
    }
  }
  return [];
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
 * happened in this period; the keypad then shows the alarm memory. A duress code does all of this
 * and adds a silent 121.
 */
export function disarm(c: StepContext, areas: readonly number[], src: Source, duress = false): void {
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
    for (const d of a.deferred) log(c, "deferred alarm cancelled by disarm, not notified", { area: n, zone: d.zone });
    a.deferred = [];
    const user = src.by === "keypad" ? src.user : 0;
    if (wasArmed) {
      if (src.by === "remote") report(c, Cid.RemoteOpenClose, Qualifier.New, n, { user });
      else report(c, mode === "away" ? Cid.OpenClose : Cid.ArmedStay, Qualifier.New, n, { user });
    }
    if (duress) report(c, Cid.Duress, Qualifier.New, n, { user });
    if (a.alarmPending) {
      report(c, Cid.Cancel, Qualifier.New, n, { user });
      a.alarmPending = false;
    }
    keypad(c, { kind: "disarmed", area: n });
    if (a.memory.length > 0) keypad(c, { kind: "memory", area: n, zones: [...a.memory] });
  }
}
