/**
 * The centre's signed ACK (SIA DC-09: the receiver acknowledges each message it stored): the named
 * items leave the outbox for good, the frames leave the window, the path is proved (a suspect one is
 * cleared), an answered hello lets the outbox flow, and the window refills.
 */
import type { DownlinkContext } from "./context.js";

export function handleAck(ctx: DownlinkContext, path: number, seqs: readonly number[]): void {
  ctx.prober.acked(path);
  // Removal only on the ACK naming the seq: until then the item survives any restart. Removed before the
  // window lets go: if the deletion cannot commit (disk full) the frames stay in flight and are resent
  // at their timeout, and the centre's re-ACK of the duplicate tries the deletion again.
  ctx.outbox.remove(seqs);
  const done = ctx.window.acknowledge(seqs);
  ctx.prober.helloAcked(seqs);
  if (done.length > 0) ctx.window.endProbing();
  for (const d of done) ctx.events.emit("acked", d);
  ctx.pump();
}
