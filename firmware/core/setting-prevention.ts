/**
 * Prevention of setting (EN 50131-1 8.3): an area does not set while one of its zones of any kind is open
 * or tampered, a tamper is active, or a fault (mains, battery, path to the centre, event storage) is present. The keypad
 * names each condition. Tampers and faults may be overridden at setting by a user whose access level the
 * config allows for that condition; open zones are never overridden, only bypassed. Each override is logged
 * and reported as the condition's own Contact ID code with qualifier 6 ("still present") just before the
 * closing, so the centre can tell a setting with an override from a clean one.
 */
import { Cid, Qualifier } from "../../protocol/index.js";
import type { OverrideLevel } from "../config/panel-config.js";
import type { ArmedMode, AreaState, Troubles, UserRecord } from "./panel-state.js";
import { armedIn, isBurglary, log, report, zoneState, type StepContext } from "./step-context.js";
import { TROUBLE_CODE } from "./trouble-rules.js";

export type Fault = keyof Troubles;
const FAULTS: readonly Fault[] = ["acLost", "batteryLow", "linkDown", "storeFailed"];

/** What stands in the way of setting one area. */
export interface SettingConditions {
  /** Open zones the mode would set (or that are always set: 24 h, fire, hold-up, technical), not bypassed. */
  readonly open: number[];
  /** Open `forceArm` zones: bypassed automatically (570), they never prevent setting. */
  readonly force: number[];
  /** Zones with an active tamper: a sensor tamper, or an open tamper-type zone (the box tamper). */
  readonly tampered: number[];
  readonly faults: Fault[];
}

export function settingConditions(c: StepContext, a: AreaState, mode: ArmedMode): SettingConditions {
  const out: SettingConditions = { open: [], force: [], tampered: [], faults: FAULTS.filter((f) => c.s.troubles[f]) };
  for (const z of c.s.cfg.zones) {
    if (!z.areas.includes(a.area)) continue;
    const zs = zoneState(c.s, z.zone);
    if (!zs) continue;
    if (zs.tamper || (z.type === "tamper" && zs.active)) {
      out.tampered.push(z.zone);
      continue;
    }
    if (!zs.active || a.bypassed.includes(z.zone)) continue;
    if (isBurglary(z) && !armedIn(z, mode)) continue;
    (z.forceArm ? out.force : out.open).push(z.zone);
  }
  return out;
}

/** May this user override a condition whose configured level is `level`? */
export function mayOverride(u: UserRecord, level: OverrideLevel): boolean {
  switch (level) {
    case 2:
      return u.perms.includes("bypass") || u.installer;
    case 3:
      return u.installer;
    case "never":
      return false;
  }
}

/** The conditions left once the user's overrides (if asked for) are applied; empty: the area may set. */
export function blocking(c: StepContext, k: SettingConditions, overrideBy: UserRecord | undefined): SettingConditions {
  const ov = c.s.cfg.override;
  const can = (level: OverrideLevel) => overrideBy !== undefined && mayOverride(overrideBy, level);
  return {
    open: k.open,
    force: [],
    tampered: can(ov.tamper) ? [] : k.tampered,
    faults: k.faults.filter((f) => !can(ov[f])),
  };
}

export function isClear(k: SettingConditions): boolean {
  return k.open.length === 0 && k.tampered.length === 0 && k.faults.length === 0;
}

/** Logs and reports every overridden condition (q6, the condition's own code) before the area sets. */
export function reportOverrides(c: StepContext, a: AreaState, k: SettingConditions, user: number): void {
  for (const zone of k.tampered) {
    const code = zoneState(c.s, zone)?.tamper ? Cid.SensorTamper : Cid.Tamper;
    log(c, `setting with override: tamper on zone ${zone}`, { user, area: a.area, zone });
    report(c, code, Qualifier.StillPresent, a.area, { zone });
  }
  for (const f of k.faults) {
    log(c, `setting with override: fault ${f}`, { user, area: a.area });
    report(c, TROUBLE_CODE[f], Qualifier.StillPresent, a.area);
  }
}

/** A one-line description for the log. */
export function describe(k: SettingConditions): string {
  const parts: string[] = [];
  if (k.open.length > 0) parts.push(`open zones ${k.open.join(",")}`);
  if (k.tampered.length > 0) parts.push(`tamper on ${k.tampered.join(",")}`);
  if (k.faults.length > 0) parts.push(`faults ${k.faults.join(",")}`);
  return parts.join("; ");
}
