/**
 * The scenario file (YAML or JSON): timed inputs for `alarm-sim scenario`. Either a bare list of steps or
 *   start: 2026-01-01T08:00:00Z   # virtual clock at t=0: UTC ms or ISO-8601 (default 0)
 *   until: 400000                 # keep running to this t (ms) so timers fire (default: last step + 1)
 *   steps:                        # in time order; `at` is ms since start
 *     - { at: 0,     keys: "1234 away" }      # digit groups and function keys, space separated
 *     - { at: 5000,  zone: 1, state: open }   # drives the zone's pin as its NC/NO wiring would (debounced)
 *     - { at: 9000,  tamper: 3, state: on }   # sensor tamper on/off
 *     - { at: 10000, ac: lost }               # lost | restored;  battery: low | ok;  link: down | up
 *     - { at: 13000, command: { type: arm, area: 1, mode: away } }   # a protocol Command; id/exp defaulted
 *     - { at: 14000, restart: true }          # power cut and back: same store, same wiring
 * Output, one JSON object per line, `t` = ms since start: {"kind":"event"|"state"|"keypad"|"result"|"restart", ...}.
 * A step naming a zone, area or user the config does not have is `scenario-invalid` (checkScenarioAgainst).
 */
import { z } from "zod";
import type { PanelConfig } from "../../firmware/config/panel-config.js";
import { readYamlFile } from "../../firmware/config/read-yaml-file.js";
import { FirmwareError } from "../../firmware/firmware-error.js";
import { isKey } from "../../firmware/keypad-entry.js";

const At = z.int().min(0);
const ZoneNo = z.int().min(1).max(999);
const Keys = z.string().refine(
  (s) => s.trim().split(/\s+/).every((tok) => /^[0-9*]+$/.test(tok) || isKey(tok)),
  "space-separated digit groups (0-9, *) and function keys (away stay night off bypass auth program clear panic fire)",
);

export const ScenarioStep = z.union([
  z.strictObject({ at: At, zone: ZoneNo, state: z.enum(["open", "close"]) }),
  z.strictObject({ at: At, tamper: ZoneNo, state: z.enum(["on", "off"]) }),
  z.strictObject({ at: At, keys: Keys }),
  z.strictObject({ at: At, ac: z.enum(["lost", "restored"]) }),
  z.strictObject({ at: At, battery: z.enum(["low", "ok"]) }),
  z.strictObject({ at: At, link: z.enum(["down", "up"]) }),
  /** A downlink command; id defaults to "cmd-<index>", exp to one hour after the step. */
  z.strictObject({ at: At, command: z.looseObject({ type: z.string() }) }),
  /** Power cut and back: the runtime restarts on the same store and the same wiring. */
  z.strictObject({ at: At, restart: z.literal(true) }),
]);
export type ScenarioStep = z.infer<typeof ScenarioStep>;

export const Scenario = z
  .strictObject({
    /** Virtual clock at t = 0, UTC ms or ISO-8601. */
    start: z.union([z.int().min(0), z.iso.datetime().transform((s) => Date.parse(s))]).default(0),
    /** Keep running (timers fire) until this many ms after start; default: the last step + 1 ms. */
    until: At.optional(),
    steps: z.array(ScenarioStep),
  })
  .superRefine((s, ctx) => {
    s.steps.forEach((st, i) => {
      const prev = s.steps[i - 1];
      if (prev && st.at < prev.at) ctx.addIssue({ code: "custom", path: ["steps", i, "at"], message: "steps must be in time order" });
    });
  });
export type Scenario = z.infer<typeof Scenario>;

export function parseScenario(input: unknown): Scenario {
  // A bare list is accepted as { steps: [...] }.
  const r = Scenario.safeParse(Array.isArray(input) ? { steps: input } : input);
  if (!r.success) throw new FirmwareError("scenario-invalid", `scenario:\n${z.prettifyError(r.error)}`);
  return r.data;
}

export function loadScenario(file: string): Scenario {
  return parseScenario(readYamlFile(file, "scenario-invalid"));
}

/** The number before `*` in a typed entry: a zone for `bypass`, an area for every other function key. */
function keyTargets(keys: string): { zone?: number; area?: number }[] {
  const toks = keys.trim().split(/\s+/);
  const out: { zone?: number; area?: number }[] = [];
  toks.forEach((tok, i) => {
    const m = /^(\d{1,3})\*\d+\*?$/.exec(tok);
    const next = toks[i + 1];
    if (!m || next === undefined || /^[0-9*]+$/.test(next)) return;
    out.push(next === "bypass" ? { zone: Number(m[1]) } : { area: Number(m[1]) });
  });
  return out;
}

/**
 * A scenario that names a zone, area or user the config does not have is refused before it runs: a typo
 * must not make a scenario look passed. Users added by an earlier `user-add` command step count as known.
 */
export function checkScenarioAgainst(cfg: PanelConfig, sc: Scenario): void {
  const zones = new Set(cfg.zones.map((z) => z.zone));
  const areas = new Set(cfg.areas.map((a) => a.area));
  const users = new Set(cfg.users.map((u) => u.user));
  const bad = (i: number, what: string): never => {
    throw new FirmwareError("scenario-invalid", `scenario: steps[${i}]: ${what} is not in the config`);
  };
  sc.steps.forEach((st, i) => {
    if ("zone" in st && !zones.has(st.zone)) bad(i, `zone ${st.zone}`);
    if ("tamper" in st && !zones.has(st.tamper)) bad(i, `zone ${st.tamper}`);
    if ("keys" in st) {
      for (const k of keyTargets(st.keys)) {
        if (k.zone !== undefined && !zones.has(k.zone)) bad(i, `zone ${k.zone}`);
        if (k.area !== undefined && !areas.has(k.area)) bad(i, `area ${k.area}`);
      }
    }
    if ("command" in st) {
      const c = st.command as { type: string; area?: unknown; user?: unknown; spec?: { user?: unknown } };
      if (typeof c.area === "number" && !areas.has(c.area)) bad(i, `area ${c.area}`);
      if (c.type === "user-add" && typeof c.spec?.user === "number") users.add(c.spec.user);
      else if (typeof c.user === "number" && !users.has(c.user)) bad(i, `user ${c.user}`);
    }
  });
}
