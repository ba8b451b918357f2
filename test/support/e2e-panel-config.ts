/** The panel the end-to-end runs wire up: one area, no delays, zone 1 instant on pin 2, user 1 with code 2468. */
import { hashCode, type PanelConfigInput } from "../../firmware/index.js";

/** `zone2` is zone 2's own settings (its type, bypassable…); it sits on pin 3 in area 1 with no debounce. */
export function e2ePanelConfig(zone2: Record<string, unknown>): PanelConfigInput {
  return {
    grade: 2,
    io: "sim",
    timing: { exitDelayMs: 0, entryDelayMs: 0, unsetDeferralMs: 0 },
    areas: [{ area: 1 }],
    zones: [
      { zone: 1, type: "instant", pin: 2, areas: [1], debounceMs: 0 },
      { zone: 2, pin: 3, areas: [1], debounceMs: 0, ...zone2 },
    ],
    outputs: { siren: 20 },
    // Light scrypt parameters, so hashing and checking the code stay quick in tests.
    users: [{ user: 1, areas: [1], perms: ["disarm"], codeHash: hashCode("2468", { N: 1024, r: 8, p: 1 }) }],
  } as PanelConfigInput;
}
