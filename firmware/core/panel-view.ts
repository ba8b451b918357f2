/** What the outside world sees of the state: the heartbeat summary, the outputs and a change view. */
import type { AreaStatus } from "../../protocol/index.js";
import type { OutputName } from "./panel-effect.js";
import type { AreaState, PanelState } from "./panel-state.js";
import { troubleCodes } from "./trouble-rules.js";

/** The heartbeat's mode: an area counts as armed once its exit delay is over (the closing is reported). */
export function areaStatus(a: AreaState): AreaStatus {
  switch (a.phase.kind) {
    case "disarmed":
    case "exit":
      return { area: a.area, mode: "disarmed" };
    case "armed":
    case "entry":
      return { area: a.area, mode: a.phase.mode };
  }
}

export function summary(s: PanelState): { areas: AreaStatus[]; troubles: number[] } {
  return { areas: s.areas.map(areaStatus), troubles: troubleCodes(s) };
}

export function outputs(s: PanelState): Record<OutputName, boolean> {
  return {
    siren: s.areas.some((a) => a.sirenUntil !== undefined),
    strobe: s.areas.some((a) => a.strobe),
    armedLed: s.areas.some((a) => a.phase.kind !== "disarmed"),
    troubleLed: troubleCodes(s).length > 0,
    memoryLed: s.areas.some((a) => a.memory.length > 0),
  };
}

export interface PanelView {
  areas: { area: number; phase: AreaState["phase"]; bypassed: number[]; memory: number[]; alarm: boolean }[];
  troubles: number[];
  outputs: Record<OutputName, boolean>;
  lockedUntil?: number;
  walkTestUntil?: number;
  program?: number;
  installerUntil?: number;
}

/** A compact view; the runtime emits 'state' whenever it changes. */
export function view(s: PanelState): PanelView {
  const v: PanelView = {
    areas: s.areas.map((a) => ({ area: a.area, phase: a.phase, bypassed: [...a.bypassed], memory: [...a.memory], alarm: a.alarmPending })),
    troubles: troubleCodes(s),
    outputs: outputs(s),
  };
  if (s.wrongCodes.lockedUntil !== undefined) v.lockedUntil = s.wrongCodes.lockedUntil;
  if (s.walkTestUntil !== undefined) v.walkTestUntil = s.walkTestUntil;
  if (s.program) v.program = s.program.user;
  if (s.installerUntil !== undefined) v.installerUntil = s.installerUntil;
  return v;
}
