/** What a zone change means in each area phase: the entry route (entry-delay.ts), follower, instant, 24 h, walk test, chime. */
import { Cid, Qualifier } from "../../protocol/index.js";
import type { ZoneConfig } from "../config/panel-config.js";
import { alarmCode, raiseAlarm, restoreZone, startSiren } from "./alarm-rules.js";
import { startEntry } from "./entry-delay.js";
import type { AreaState } from "./panel-state.js";
import { armedIn, areaState, isBurglary, keypad, report, zoneCfg, zoneState, type StepContext } from "./step-context.js";

export function walkTestOn(c: StepContext): boolean {
  return c.s.walkTestUntil !== undefined && c.now < c.s.walkTestUntil;
}

/** A violated zone as seen by one area. Used for live changes and for the all-zones re-evaluation. */
function activeInArea(c: StepContext, z: ZoneConfig, a: AreaState): void {
  if (!isBurglary(z)) {
    raiseAlarm(c, z, a.area);
    return;
  }
  const p = a.phase;
  switch (p.kind) {
    case "disarmed":
      if (z.chime) keypad(c, { kind: "chime", zone: z.zone });
      return;
    case "exit":
      // Exit route: zones are checked when the exit delay expires (reevaluateArea).
      return;
    case "armed":
      if (!armedIn(z, p.mode) || a.bypassed.includes(z.zone)) return;
      if (z.type === "entry-exit") startEntry(c, a, p.mode, z.zone);
      else raiseAlarm(c, z, a.area); // follower outside an entry delay is instant
      return;
    case "entry":
      if (!armedIn(z, p.mode) || a.bypassed.includes(z.zone)) return;
      if (z.type === "instant") raiseAlarm(c, z, a.area);
      return; // entry-exit and follower zones are on the entry route while the entry delay runs
  }
}

export function onZone(c: StepContext, zone: number, active: boolean): void {
  const z = zoneCfg(c.s, zone);
  const zs = zoneState(c.s, zone);
  if (!z || !zs || zs.active === active) return;
  zs.active = active;
  if (!active) {
    restoreZone(c, zone, new Set([alarmCode(z)]));
    return;
  }
  if (walkTestOn(c)) {
    // Walk test (607): every activation reported as a test, no siren, no alarm.
    report(c, Cid.WalkTest, Qualifier.New, z.areas[0] ?? 0, { zone });
    return;
  }
  for (const area of z.areas) {
    const a = areaState(c.s, area);
    if (a) activeInArea(c, z, a);
  }
}

/** Sensor tamper (144), reported whatever the mode; sounds when the zone's area is armed. */
export function onTamper(c: StepContext, zone: number, active: boolean): void {
  const z = zoneCfg(c.s, zone);
  const zs = zoneState(c.s, zone);
  if (!z || !zs || zs.tamper === active) return;
  zs.tamper = active;
  const area = z.areas[0] ?? 0;
  if (!active) {
    restoreZone(c, zone, new Set([Cid.SensorTamper]));
    return;
  }
  if (walkTestOn(c)) {
    report(c, Cid.WalkTest, Qualifier.New, area, { zone });
    return;
  }
  report(c, Cid.SensorTamper, Qualifier.New, area, { zone });
  zs.owed.push({ area, code: Cid.SensorTamper });
  const a = areaState(c.s, area);
  if (a && a.phase.kind !== "disarmed" && a.phase.kind !== "exit") {
    a.alarmPending = true;
    if (!a.memory.includes(zone)) a.memory.push(zone);
    startSiren(c, area);
  }
}

/**
 * Re-evaluate every open burglary zone of an area that has just become armed: at the end of the exit
 * delay and after a reboot (issue #3: "re-evaluates every zone at once", the known failure of other panels).
 */
export function reevaluateArea(c: StepContext, a: AreaState): void {
  for (const z of c.s.cfg.zones) {
    if (!isBurglary(z) || !z.areas.includes(a.area)) continue;
    if (zoneState(c.s, z.zone)?.active) activeInArea(c, z, a);
  }
}

/** After power-up: non-burglary zones that are open alarm at once, whatever the mode. */
export function reevaluateAlwaysArmed(c: StepContext): void {
  for (const z of c.s.cfg.zones) {
    if (isBurglary(z) || !zoneState(c.s, z.zone)?.active) continue;
    for (const area of z.areas) raiseAlarm(c, z, area);
  }
}
