/**
 * The centre's signed NAK, acted on only when it names one of this gateway's own transmissions still
 * awaited (seq and frame ref, protocol/frame-ref.ts): a NAK answering a junk frame someone else published
 * with our next seq, or a replayed old NAK, changes nothing and is reported as refused.
 * `stale`: the clock is corrected from the centre's time and the frame resent at once (time-sync.ts).
 * Permanent reasons (PERMANENT_NAK: bad signature, wrong panel, ...): the item (every event of a batch frame) is parked (kept,
 * counted, not sent) until the next start, and reported. `store-failed`: the centre could not store it
 * now; the ACK timeout resends it. `seq-reused`: the centre holds other content under our numbers (this
 * outbox was lost or replaced and its counter started again): the outbox renumbers from the NAK's `next`
 * in one transaction and what was in flight goes again under the new numbers. Signed by the centre and
 * naming our own frame, it can still only move numbers up (Outbox.renumber): a replay changes nothing.
 */
import { PERMANENT_NAK, type NakReason } from "../../protocol/index.js";
import type { DownlinkContext } from "./context.js";
import { applyTimeSync } from "./time-sync.js";

export function handleNak(ctx: DownlinkContext, seq: number, reason: NakReason, ref: string, centreSent: number, next?: number): void {
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
  if (reason === "seq-reused") {
    if (next === undefined) return; // the schema makes next present; nothing to number from without it
    const moved = ctx.outbox.renumber(next);
    if (moved.shift === 0) return;
    ctx.window.renumbered();
    ctx.prober.centreAnswered();
    ctx.events.emit("renumbered", { next, ...moved });
    ctx.pump();
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
