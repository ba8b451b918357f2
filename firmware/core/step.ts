/**
 * The panel core: `step(state, input, now) -> { state, effects }`. Pure: the input state is never
 * mutated, there is no clock, no I/O and no randomness; time is `now`, deadlines are in the state.
 */
import { Cid, Qualifier } from "../../protocol/index.js";
import { raiseAlarm } from "./alarm-rules.js";
import { onCode } from "./code-rules.js";
import { onTick } from "./deadline-rules.js";
import type { PanelEffect, OutputName } from "./panel-effect.js";
import type { PanelInput } from "./panel-input.js";
import type { PanelState } from "./panel-state.js";
import { outputs } from "./panel-view.js";
import { onRemote } from "./remote-rules.js";
import { report, type StepContext } from "./step-context.js";
import { setTrouble } from "./trouble-rules.js";
import { onUserEdit } from "./user-program-rules.js";
import { onTamper, onZone, reevaluateAlwaysArmed, reevaluateArea } from "./zone-rules.js";

export interface StepResult {
  readonly state: PanelState;
  readonly effects: readonly PanelEffect[];
}

function clone(s: PanelState): PanelState {
  const { cfg, ...rest } = s;
  return { cfg, ...structuredClone(rest) };
}

function dispatch(c: StepContext, input: PanelInput): void {
  switch (input.type) {
    case "boot": {
      if (c.s.booted) return;
      c.s.booted = true;
      report(c, Cid.SystemReset, Qualifier.New, 0);
      for (const zs of c.s.zones) zs.active = input.active.includes(zs.zone);
      // After a restart every zone is re-evaluated at once, as its type says.
      reevaluateAlwaysArmed(c);
      for (const a of c.s.areas) if (a.phase.kind === "armed" || a.phase.kind === "entry") reevaluateArea(c, a);
      return;
    }
    case "tick":
      return onTick(c);
    case "zone":
      return onZone(c, input.zone, input.active);
    case "tamper":
      return onTamper(c, input.zone, input.active);
    case "code":
      return onCode(c, input.user, input.action, input.area);
    case "keypad-alarm": {
      // Keypad panic/fire keys report on zone 0 (the keypad) in every area, audibly.
      const zone = { zone: 0, type: input.kind === "fire" ? "fire" : "panic", silent: false } as const;
      for (const a of c.s.areas) raiseAlarm(c, { ...zoneCfgDefaults, ...zone, areas: [a.area] }, a.area, input.kind === "fire" ? Cid.Fire : Cid.Panic);
      return;
    }
    case "ac":
      return setTrouble(c, "acLost", !input.ok);
    case "battery":
      return setTrouble(c, "batteryLow", input.low);
    case "link":
      return setTrouble(c, "linkDown", !input.up);
    case "store":
      return setTrouble(c, "storeFailed", !input.ok);
    case "remote":
      return onRemote(c, input.cmd);
    case "user-edit":
      return onUserEdit(c, input.edit);
  }
}

const zoneCfgDefaults = { pin: 0, wiring: "NC", debounceMs: 0, chime: false, bypassable: false, forceArm: false, interior: false, night: false } as const;

export function step(state: PanelState, input: PanelInput, now: number): StepResult {
  const c: StepContext = { s: clone(state), fx: [], now };
  const before = outputs(state);
  dispatch(c, input);
  const after = outputs(c.s);
  for (const k of Object.keys(after) as OutputName[]) {
    if (after[k] !== before[k]) c.fx.push({ type: "output", output: k, on: after[k] });
  }
  return { state: c.s, effects: c.fx };
}
