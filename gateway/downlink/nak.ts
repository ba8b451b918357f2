/**
 * The centre's signed NAK, acted on only when it names one of this gateway's own transmissions still
 * awaited (seq and frame ref, protocol/frame-ref.ts): a NAK answering a junk frame someone else published
 * with our next seq, or a replayed old NAK, changes nothing and is reported as refused.
 * `stale`: the clock is corrected from the centre's time and the frame resent at once (time-sync.ts).
 * Permanent reasons (PERMANENT_NAK: bad signature, wrong panel, ...): the item (every event of a batch frame) is parked (kept,
 * counted, not sent) until the next start, and reported. `store-failed`: the centre could not store it
 * now; the ACK timeout resends it.
 */
import { PERMANENT_NAK, type NakReason } from "../../protocol/index.js";
import type { DownlinkContext } from "./context.js";
import { applyTimeSync } from "./time-sync.js";

export function handleNak(ctx: DownlinkContext, seq: number, reason: NakReason, ref: string, centreSent: number): void {
  const carried = ctx.window.covered(seq, ref);
  if (!carried) {
    ctx.events.emit("refused", { code: "unanswered", message: `NAK ${reason} for seq ${seq} names no frame in flight` });
    return;
  }
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
    // A batch frame is refused whole: every event it carried is parked.
    for (const s of carried) {
      ctx.outbox.park(s);
      ctx.events.emit("rejected", { seq: s, reason });
    }
    ctx.pump();
  }
}
