/** A services context with one installation and the incident desk on simulated ports. */
import { IncidentDesk } from "../../simulator/centre/services/incident-desk.js";
import { SimulatedGuardService } from "../../simulator/centre/services/guard-service.js";
import { SimulatedMessenger } from "../../simulator/centre/services/messenger.js";
import { SimulatedTelephony } from "../../simulator/centre/services/telephony.js";
import type { ScryptParams } from "../../simulator/centre/services/secret-hash.js";
import { addInstallation, freshContext } from "./fixture.js";

export const ETA = 15 * 60_000;
export const ON_SITE = 10 * 60_000;

export async function deskFixture(opts: { dispatchIncluded?: boolean; start?: number; scrypt?: ScryptParams } = {}) {
  const f = await freshContext(opts.start, opts.scrypt);
  const { reg, id } = await addInstallation(f.ctx, { dispatchIncluded: opts.dispatchIncluded ?? false });
  const telephony = new SimulatedTelephony();
  const messenger = new SimulatedMessenger();
  const guard = new SimulatedGuardService(f.clock, { etaMs: ETA, onSiteMs: ON_SITE, report: "window broken at the back, police informed" });
  const desk = new IncidentDesk(f.ctx, reg, { telephony, messenger, guard });
  /** The clock moved on, and what its timers started written. */
  const advance = (ms: number) => f.clock.advanceSettling(ms, () => desk.idle());
  return { ...f, reg, id, telephony, messenger, guard, desk, advance };
}
