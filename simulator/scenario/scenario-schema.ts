/**
 * The scenario file (YAML or JSON): timed inputs for `alarm-sim scenario`. See firmware/README.md.
 */
import { z } from "zod";
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
