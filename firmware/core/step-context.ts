/** The working copy one `step` mutates, and the small helpers every rule file shares. */
import { eventDef, type Event, type Qualifier } from "../../protocol/index.js";
import type { ZoneConfig } from "../config/panel-config.js";
import type { KeypadMessage, PanelEffect } from "./panel-effect.js";
import type { ArmedMode, AreaState, PanelState, ZoneState } from "./panel-state.js";

export interface StepContext {
  readonly s: PanelState;
  readonly fx: PanelEffect[];
  readonly now: number;
}

/** Queue a report; the zone/user field is filled exactly as the catalogue says the code takes it. */
export function report(c: StepContext, code: number, q: Qualifier, area: number, who?: { zone?: number; user?: number }): void {
  const d = eventDef(code);
  const ev: { -readonly [K in keyof Event]: Event[K] } = { code, q, area, at: c.now };
  if (d?.number === "zone") ev.zone = who?.zone ?? 0;
  if (d?.number === "user") ev.user = who?.user ?? 0;
  c.fx.push({ type: "report", event: ev });
}

export function keypad(c: StepContext, msg: KeypadMessage): void {
  c.fx.push({ type: "keypad", msg });
}

export function log(c: StepContext, what: string, who: { user?: number; area?: number; zone?: number } = {}): void {
  c.fx.push({ type: "log", what, ...who });
}

export function zoneCfg(s: PanelState, zone: number): ZoneConfig | undefined {
  return s.cfg.zones.find((z) => z.zone === zone);
}

export function zoneState(s: PanelState, zone: number): ZoneState | undefined {
  return s.zones.find((z) => z.zone === zone);
}

export function areaState(s: PanelState, area: number): AreaState | undefined {
  return s.areas.find((a) => a.area === area);
}

export const BURGLARY_TYPES = new Set(["instant", "entry-exit", "follower"]);

export function isBurglary(z: ZoneConfig): boolean {
  return BURGLARY_TYPES.has(z.type);
}

/** Which burglary zones a mode arms: stay leaves interior zones out, night too unless marked `night`. */
export function armedIn(z: ZoneConfig, mode: ArmedMode): boolean {
  if (!isBurglary(z)) return false;
  switch (mode) {
    case "away":
      return true;
    case "stay":
      return !z.interior;
    case "night":
      return !z.interior || z.night;
  }
}

export function armedMode(a: AreaState): ArmedMode | undefined {
  switch (a.phase.kind) {
    case "disarmed":
    case "exit":
      return undefined;
    case "armed":
    case "entry":
      return a.phase.mode;
  }
}
