/** Builds the state at power-up from the config and, after a restart, the persisted NvState. */
import type { PanelConfig } from "../config/panel-config.js";
import { resumedPhase } from "./entry-delay.js";
import type { AreaState, NvState, PanelState, UserRecord } from "./panel-state.js";

function configUsers(cfg: PanelConfig): UserRecord[] {
  return cfg.users.map((u) => ({
    user: u.user,
    name: u.name,
    hash: u.codeHash,
    areas: [...u.areas],
    perms: [...u.perms],
    duress: u.duress,
    validFrom: u.validFrom,
    validUntil: u.validUntil,
    once: u.once,
    used: false,
    installer: u.installer,
  }));
}

/**
 * Areas come back in their persisted mode (a power cut must not unset the panel). An area that was in its
 * entry delay restarts a full entry delay (cutting the power must not cancel an entry); an area in its
 * exit delay comes back armed, and boot re-evaluates its zones.
 */
export function initialState(cfg: PanelConfig, nv: NvState | undefined, now: number): PanelState {
  const areas: AreaState[] = cfg.areas.map(({ area }) => {
    const saved = nv?.areas.find((a) => a.area === area);
    return {
      area,
      phase: resumedPhase(saved, cfg.timing.entryDelayMs, now),
      bypassed: saved && saved.mode !== "disarmed" ? saved.bypassed.filter((z) => cfg.zones.some((c) => c.zone === z)) : [],
      trips: [],
      deferred: [],
      memory: saved ? [...saved.memory] : [],
      hiddenMemory: saved ? [...saved.hiddenMemory] : [],
      alarmPending: saved?.alarmPending ?? false,
      sirenUntil: undefined,
      strobe: false,
    };
  });
  return {
    cfg,
    areas,
    zones: cfg.zones.map((z) => ({ zone: z.zone, active: false, tamper: false, owed: [] })),
    users: nv ? nv.users.map((u) => ({ ...u, areas: [...u.areas], perms: [...u.perms] })) : configUsers(cfg),
    troubles: { acLost: false, batteryLow: false, linkDown: false, storeFailed: false },
    wrongCodes: nv ? { ...nv.wrongCodes } : { count: 0, lockedUntil: undefined },
    installerUntil: undefined,
    program: undefined,
    walkTestUntil: undefined,
    nextPeriodicTest: now + cfg.timing.periodicTestMs,
    booted: false,
  };
}

/** The subset that must survive power loss. */
export function toNv(s: PanelState): NvState {
  return {
    areas: s.areas.map((a) => ({
      area: a.area,
      mode: a.phase.kind === "armed" || a.phase.kind === "entry" ? a.phase.mode : a.phase.kind === "exit" ? a.phase.mode : "disarmed",
      entryZone: a.phase.kind === "entry" ? a.phase.zone : undefined,
      memory: [...a.memory],
      hiddenMemory: [...a.hiddenMemory],
      alarmPending: a.alarmPending,
      bypassed: [...a.bypassed],
    })),
    users: s.users.map((u) => ({ ...u })),
    wrongCodes: { ...s.wrongCodes },
  };
}
