/**
 * The demo's panel: a small house on the simulated board. Delays are short so the scripted intrusion
 * runs in seconds (EN 50131-1 allows any entry delay up to 45 s). Code 1234 is the owner's; the hash is
 * made at start-up so no secret sits in the repository.
 */
import { hashCode, type PanelConfigInput } from "../../firmware/index.js";

export const DEMO_CODE = "1234";

export function demoPanelConfig(delayMs = 3_000): PanelConfigInput {
  return {
    grade: 2,
    io: "sim",
    timing: { exitDelayMs: delayMs, entryDelayMs: delayMs, sirenLimitMs: 10_000, unsetDeferralMs: 0 },
    areas: [{ area: 1, name: "house" }],
    zones: [
      { zone: 1, name: "front door", type: "entry-exit", pin: 2, areas: [1] },
      { zone: 2, name: "hall PIR", type: "follower", pin: 3, areas: [1], interior: true },
      { zone: 3, name: "kitchen window", type: "instant", pin: 4, areas: [1] },
      { zone: 4, name: "smoke", type: "fire", pin: 5, areas: [1], bypassable: false },
    ],
    outputs: { siren: 20, strobe: 21 },
    users: [{ user: 1, name: "owner", areas: [1], perms: ["disarm", "bypass"], codeHash: hashCode(DEMO_CODE) }],
  } as PanelConfigInput;
}
