/**
 * The centre's signed NAK. `stale`: the clock is corrected from the centre's time and the frame resent
 * at once (time-sync.ts). Permanent reasons (PERMANENT_NAK: bad signature, unknown key, ...): the item
 * is parked (kept, counted, not sent) until the next start, and reported. `store-failed`: the centre
 * could not store it now; the ACK timeout resends it.
 */
import { PERMANENT_NAK, type NakReason } from "../../protocol/index.js";
import type { DownlinkContext } from "./context.js";
import { applyTimeSync } from "./time-sync.js";

export function handleNak(ctx: DownlinkContext, seq: number, reason: NakReason, centreSent: number): void {
  ctx.events.emit("nak", { seq, reason });
  if (reason === "stale") {
    applyTimeSync(ctx, centreSent, ctx.clock);
    ctx.window.resend(seq);
    return;
  }
  if (PERMANENT_NAK.has(reason)) {
    ctx.window.forget(seq);
    // Refused, but answered: if it was the hello, the path to the centre works and the window may open.
    ctx.prober.refused(seq);
    ctx.outbox.park(seq);
    ctx.events.emit("rejected", { seq, reason });
    ctx.pump();
  }
}
