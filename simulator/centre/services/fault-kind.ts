/**
 * Which Contact ID codes are faults a service ticket is for, how long each must persist before a ticket
 * opens, and whether it starts as remote support or a technician visit. A fault that clears within its
 * time (a short mains dip, a door closed on a tamper switch) opens nothing.
 */
import { Cid } from "../../../protocol/events.js";

export const FAULT_KINDS = ["tamper", "battery", "ac-loss", "communication", "supervision"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export type TicketRoute = "support" | "visit";

const BY_CODE: ReadonlyMap<number, FaultKind> = new Map([
  [Cid.Tamper, "tamper"],
  [Cid.SensorTamper, "tamper"],
  [Cid.LowBattery, "battery"],
  [Cid.AcLoss, "ac-loss"],
  [Cid.CommTrouble, "communication"],
  [Cid.Path1Fault, "communication"],
  [Cid.Path2Fault, "communication"],
  [Cid.FailureToCommunicate, "communication"],
]);

export function faultKind(code: number): FaultKind | undefined {
  return BY_CODE.get(code);
}

export const DEFAULT_PERSIST_MS: Record<FaultKind, number> = {
  tamper: 15 * 60_000,
  battery: 60 * 60_000,
  // EN 50131-1 lets a panel delay reporting mains loss; a centre waits a further hour before a ticket,
  // since most outages end by themselves.
  "ac-loss": 60 * 60_000,
  communication: 15 * 60_000,
  // The receiver's supervision has already waited the EN 50136 reporting time.
  supervision: 0,
};

export const DEFAULT_ROUTE: Record<FaultKind, TicketRoute> = {
  tamper: "visit",
  battery: "visit",
  "ac-loss": "support",
  communication: "support",
  supervision: "support",
};
