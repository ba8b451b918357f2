/**
 * Transmission-time window. SIA DC-09 receivers accept a timestamp within -40 s / +20 s of their own
 * clock and otherwise NAK with their time so the sender can correct its clock; we do the same.
 */
import { ProtocolError } from "./errors.js";

export interface FreshnessWindow {
  /** How far in the past a transmission time may be, ms. */
  readonly pastMs: number;
  /** How far in the future, ms. */
  readonly futureMs: number;
}

export const DEFAULT_FRESHNESS: FreshnessWindow = { pastMs: 40_000, futureMs: 20_000 };

export function checkFreshness(sent: number, now: number, w: FreshnessWindow = DEFAULT_FRESHNESS): void {
  const skew = sent - now;
  if (skew < -w.pastMs || skew > w.futureMs) {
    throw new ProtocolError("stale", `transmission time is ${skew} ms from the receiver's clock (window -${w.pastMs}/+${w.futureMs})`, {
      receiverTime: now,
      skew,
    });
  }
}
