/** Raising an alarm: report, alarm memory, siren with its time limit, swinger shutdown, restores owed. */
import { Cid, Qualifier } from "../../protocol/index.js";
import type { ZoneConfig } from "../config/panel-config.js";
import { deferDuringEntry } from "./entry-delay.js";
import { areaState, armedMode, isBurglary, log, report, zoneState, type StepContext } from "./step-context.js";

/** The Contact ID code of each zone type whose code does not depend on the zone's own settings. */
const FIXED_CODE: Record<Exclude<ZoneConfig["type"], "instant" | "panic">, number> = {
  "entry-exit": Cid.EntryExit,
  follower: Cid.Interior,
  "24h": Cid.Burglary24h,
  fire: Cid.Fire,
  tamper: Cid.Tamper,
  technical: Cid.Technical,
};

/** The Contact ID code a zone reports when it alarms. */
export function alarmCode(z: ZoneConfig): number {
  if (z.type === "instant") return z.interior ? Cid.Interior : Cid.Burglary;
  if (z.type === "panic") return z.silent ? Cid.SilentHoldUp : Cid.AudibleHoldUp;
  return FIXED_CODE[z.type];
}

/** Silent hold-up never sounds; technical alarms are reported, not sounded; tamper sounds only when armed. */
function audible(c: StepContext, z: ZoneConfig, area: number): boolean {
  switch (z.type) {
    case "panic":
      return !z.silent;
    case "technical":
      return false;
    case "tamper": {
      const a = areaState(c.s, area);
      return a !== undefined && armedMode(a) !== undefined;
    }
    default:
      return true;
  }
}

export function startSiren(c: StepContext, area: number): void {
  const a = areaState(c.s, area);
  if (!a) return;
  a.sirenUntil = c.now + c.s.cfg.timing.sirenLimitMs;
  a.strobe = true;
}

/**
 * Alarm from zone `z` in `area`. Swinger shutdown (EN 50131-1 swinger limit) only silences burglary
 * zones: 24 h, fire and hold-up zones report every time.
 */
export function raiseAlarm(c: StepContext, z: ZoneConfig, area: number, code = alarmCode(z)): void {
  const a = areaState(c.s, area);
  if (!a) return;
  if (isBurglary(z)) {
    let t = a.trips.find((x) => x.zone === z.zone);
    if (!t) a.trips.push((t = { zone: z.zone, n: 0 }));
    if (t.n >= c.s.cfg.timing.swingerLimit) {
      log(c, "swinger shutdown: alarm suppressed", { area, zone: z.zone });
      return;
    }
    t.n += 1;
  }
  if (z.type === "panic" && z.silent) {
    // Silent hold-up: reported, and nothing at the premises shows it (no siren, memory LED, keypad message,
    // nor a 406 cancel at the next disarm that the attacker could make the user send).
    if (!a.hiddenMemory.includes(z.zone)) a.hiddenMemory.push(z.zone);
    notifyAlarm(c, area, z.zone, code, false);
    return;
  }
  if (!a.memory.includes(z.zone)) a.memory.push(z.zone);
  if (audible(c, z, area)) startSiren(c, area);
  if (deferDuringEntry(c, a, z, code)) return;
  notifyAlarm(c, area, z.zone, code);
}

/** Remote notification of an alarm: report it, owe its restore, and a disarm will then send 406. */
export function notifyAlarm(c: StepContext, area: number, zone: number, code: number, cancellable = true): void {
  const a = areaState(c.s, area);
  if (!a) return;
  report(c, code, Qualifier.New, area, { zone });
  if (cancellable) a.alarmPending = true;
  const zs = zoneState(c.s, zone);
  if (!zs || zs.owed.some((o) => o.area === area && o.code === code)) return;
  if (zs.active) zs.owed.push({ area, code });
  else report(c, code, Qualifier.Restore, area, { zone }); // closed again before the deferred report went out
}

/** A zone closed: report the restores it owes (q=3, same code as the alarm). */
export function restoreZone(c: StepContext, zone: number, codes?: ReadonlySet<number>): void {
  const zs = zoneState(c.s, zone);
  if (!zs) return;
  const keep: typeof zs.owed = [];
  for (const o of zs.owed) {
    if (codes && !codes.has(o.code)) keep.push(o);
    else report(c, o.code, Qualifier.Restore, o.area, { zone });
  }
  zs.owed = keep;
}
