/**
 * Clock correction from the centre's time: a `stale` NAK carries the receiver's time (SIA DC-09:
 * the receiver answers a message outside its time window with its own time, so the sender can correct
 * and resend), and a time-sync command sets it outright. The gateway keeps an offset to its local
 * clock; frames and freshness checks use local time plus the offset.
 */
import type { Clock } from "../../protocol/clock.js";

/** The offset to adopt: centre time at sending minus local time now (transit time is ignored: < 1 s). */
export function clockOffset(centreSent: number, clock: Clock): number {
  return centreSent - clock.now();
}

export function applyTimeSync(target: { setClockOffset(offsetMs: number): void }, centreSent: number, clock: Clock): void {
  target.setClockOffset(clockOffset(centreSent, clock));
}
