/**
 * The entry delay (EN 50131-1 entry time: at most 45 s, a config above it is refused): an
 * entry-exit zone violated in an armed area starts it; entry-route zones (entry-exit, follower) are quiet
 * while it runs; a valid code disarms within it; when it runs out without one, the entry zone alarms.
 * A restart during the entry time starts it again from the restart (the state survives power loss).
 */
import type { ArmedMode, AreaPhase, AreaState } from "./panel-state.js";
import { raiseAlarm } from "./alarm-rules.js";
import { keypad, type StepContext } from "./step-context.js";
import type { PanelConfig } from "../config/panel-config.js";

export function startEntry(c: StepContext, a: AreaState, mode: ArmedMode, zone: number): void {
  const until = c.now + c.s.cfg.timing.entryDelayMs;
  a.phase = { kind: "entry", mode, until, zone };
  keypad(c, { kind: "entry-delay", area: a.area, until });
}

/** The phase after a restart in the entry time: the full entry delay again, from now. */
export function entryAfterRestart(cfg: PanelConfig, mode: ArmedMode, zone: number, now: number): AreaPhase {
  return { kind: "entry", mode, until: now + cfg.timing.entryDelayMs, zone };
}

/** At the tick: entry time over without a valid code, so the entry zone alarms. */
export function entryExpired(c: StepContext, a: AreaState): void {
  const p = a.phase;
  if (p.kind !== "entry" || c.now < p.until) return;
  a.phase = { kind: "armed", mode: p.mode };
  const z = c.s.cfg.zones.find((x) => x.zone === p.zone);
  if (z) raiseAlarm(c, z, a.area);
}
