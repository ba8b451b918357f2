/**
 * The centre's signed ACK (SIA DC-09: the receiver acknowledges each message it stored). Each entry names
 * a seq and the exact frame it answers (protocol/frame-ref.ts); only entries naming one of this gateway's
 * own transmissions still awaited count: their items (every event a batch frame carried) leave the outbox for good, the frames leave the
 * window, the path is proved (a suspect one is cleared), an answered hello lets the outbox flow, and the
 * window refills. An ACK answering nothing of ours (a replayed old one, one naming a frame someone else
 * published with our seq) changes nothing and is reported as refused.
 */
import type { DownlinkContext } from "./context.js";

export function handleAck(ctx: DownlinkContext, path: number, seqs: readonly number[], refs: readonly string[]): void {
  if (ctx.trace) for (const s of seqs) ctx.trace("ack-received", "", s);
  // Each answered frame's events: one seq for a single-event frame, all of a batch's (send-window.ts).
  const answered = seqs.flatMap((seq, i) => ctx.window.covered(seq, refs[i]!) ?? []);
  if (answered.length === 0) {
    ctx.events.emit("refused", { code: "unanswered", message: `ACK for seqs ${seqs.slice(0, 8).join(",")} names no frame in flight` });
    return;
  }
  ctx.prober.acked(path);
  // Removal only on the ACK naming the seq and the frame: until then the item survives any restart.
  // Removed before the window lets go: if the deletion cannot commit (disk full) the frames stay in flight
  // and are resent at their timeout, and the centre's re-ACK of the duplicate tries the deletion again.
  ctx.outbox.remove(answered);
  const { done } = ctx.window.acknowledge(seqs, refs);
  ctx.prober.helloAcked(answered);
  if (done.length > 0) ctx.window.endProbing();
  for (const d of done) ctx.events.emit("acked", d);
  ctx.pump();
}
