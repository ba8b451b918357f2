/** Shared test fixtures: a small panel config, a core driver with fake time, cheap scrypt for speed. */
import { parseConfig } from "../../firmware/config/load-config.js";
import type { PanelConfig, PanelConfigInput } from "../../firmware/config/panel-config.js";
import { hashCode } from "../../firmware/codes/code-hash.js";
import { initialState } from "../../firmware/core/initial-state.js";
import type { PanelEffect } from "../../firmware/core/panel-effect.js";
import type { PanelInput } from "../../firmware/core/panel-input.js";
import type { PanelState } from "../../firmware/core/panel-state.js";
import { step } from "../../firmware/core/step.js";
import type { Event } from "../../protocol/index.js";

/** Test-friendly scrypt cost; production uses the config default N=16384. */
export const CHEAP = { N: 16, r: 1, p: 1 } as const;
const hashes = new Map<string, string>();
export function cheapHash(code: string): string {
  let h = hashes.get(code);
  if (!h) hashes.set(code, (h = hashCode(code, CHEAP)));
  return h;
}

export const T0 = 1_000_000;

/** Zones: 1 front door (entry-exit), 2 hall PIR (follower, interior), 3 window (instant), 4 living PIR (instant,
 * interior), 5 24 h, 6 smoke (fire), 7 hold-up (panic, silent), 8 box tamper, 9 water (technical), 10 garage (area 2). */
export function testConfig(over: Partial<PanelConfigInput> = {}): PanelConfig {
  return parseConfig({
    areas: [{ area: 1 }, { area: 2 }],
    zones: [
      { zone: 1, type: "entry-exit", pin: 2, areas: [1], chime: true },
      { zone: 2, type: "follower", pin: 3, areas: [1], interior: true },
      { zone: 3, type: "instant", pin: 4, areas: [1] },
      { zone: 4, type: "instant", pin: 5, areas: [1], interior: true },
      { zone: 5, type: "24h", pin: 6, areas: [1], bypassable: false },
      { zone: 6, type: "fire", pin: 7, areas: [1] },
      { zone: 7, type: "panic", pin: 8, areas: [1], silent: true },
      { zone: 8, type: "tamper", pin: 9, areas: [1] },
      { zone: 9, type: "technical", pin: 10, areas: [1] },
      { zone: 10, type: "instant", pin: 11, areas: [2], wiring: "NO", forceArm: true },
    ],
    outputs: { siren: 20, strobe: 21, armedLed: 22, troubleLed: 23, memoryLed: 24 },
    users: [
      { user: 1, name: "owner", codeHash: cheapHash("1234"), areas: [1, 2], perms: ["disarm", "bypass", "manage-users"] },
      { user: 2, name: "cleaner", codeHash: cheapHash("5678"), areas: [1], perms: [] },
      { user: 3, name: "owner-duress", codeHash: cheapHash("9999"), areas: [1, 2], perms: ["disarm"], duress: true },
      { user: 4, name: "installer", codeHash: cheapHash("4321"), areas: [1, 2], perms: [], installer: true },
      { user: 5, name: "tech", codeHash: cheapHash("2468"), areas: [1], perms: ["disarm"], once: true, validFrom: T0, validUntil: T0 + 3_600_000 },
    ],
    scrypt: CHEAP,
    ...over,
  });
}

/** Drives the pure core with explicit time; collects every effect. */
export class CoreDriver {
  state: PanelState;
  now: number;
  effects: PanelEffect[] = [];

  constructor(cfg: PanelConfig = testConfig(), now = T0, active: number[] = []) {
    this.now = now;
    this.state = initialState(cfg, undefined, now);
    this.send({ type: "boot", active });
    this.effects = [];
  }

  send(input: PanelInput): PanelEffect[] {
    const r = step(this.state, input, this.now);
    this.state = r.state;
    this.effects.push(...r.effects);
    return [...r.effects];
  }

  /** Moves time to `t` and ticks (the runtime ticks exactly at the next deadline). */
  at(t: number): PanelEffect[] {
    this.now = t;
    return this.send({ type: "tick" });
  }

  zone(zone: number, active: boolean): PanelEffect[] {
    return this.send({ type: "zone", zone, active });
  }

  code(user: number | null, action: Extract<PanelInput, { type: "code" }>["action"], area?: number): PanelEffect[] {
    return this.send(area === undefined ? { type: "code", user, action } : { type: "code", user, action, area });
  }

  phase(area = 1): string {
    return this.state.areas.find((a) => a.area === area)?.phase.kind ?? "none";
  }

  /** Reported events, optionally only those since index `from`. */
  reports(fx: readonly PanelEffect[] = this.effects): Event[] {
    return fx.flatMap((e) => (e.type === "report" ? [e.event] : []));
  }

  codes(fx: readonly PanelEffect[] = this.effects): string[] {
    return this.reports(fx).map((e) => `${e.code}/${e.q}`);
  }

  output(name: string): boolean | undefined {
    const outs = this.effects.flatMap((e) => (e.type === "output" && e.output === name ? [e.on] : []));
    return outs[outs.length - 1];
  }

  clear(): void {
    this.effects = [];
  }
}

export const ARM_AWAY = { kind: "arm", mode: "away" } as const;
export const ARM_STAY = { kind: "arm", mode: "stay" } as const;
export const ARM_NIGHT = { kind: "arm", mode: "night" } as const;
export const DISARM = { kind: "disarm" } as const;

/** Armed away in area 1 (exit delay run out), effects cleared. */
export function armedAway(cfg?: PanelConfig): CoreDriver {
  const d = new CoreDriver(cfg);
  d.code(1, ARM_AWAY, 1);
  d.at(d.now + d.state.cfg.timing.exitDelayMs);
  d.clear();
  return d;
}
