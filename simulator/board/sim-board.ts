/** The simulated board for a panel config: a SimIO with every wired zone at its secure level. */
import { zoneLevel, type PanelConfig } from "../../firmware/index.js";
import { SimIO } from "./sim-io.js";

export function simBoardFor(config: PanelConfig, pinCount = 64): SimIO {
  const levels = new Map<number, 0 | 1>();
  for (const z of config.zones) if (typeof z.pin === "number") levels.set(z.pin, zoneLevel(z.wiring, false));
  return new SimIO(pinCount, levels);
}
