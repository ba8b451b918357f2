import { Cid, Qualifier } from "../events.js";
import type { UplinkPayload } from "../schema.js";

/** A valid single-event alarm payload: burglary in zone 12 of area 1, detected 150 ms before sending. */
export function examplePayload(now: number): UplinkPayload {
  return {
    v: 1,
    panel: "panel-0001",
    seq: 1,
    sent: now,
    events: [{ code: Cid.Burglary, q: Qualifier.New, area: 1, zone: 12, at: now - 150 }],
  };
}
