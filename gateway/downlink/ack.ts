/**
 * The centre's signed ACK (SIA DC-09: the receiver acknowledges each message it stored): the named
 * items leave the outbox for good, the frames leave the window, the path is proved (a suspect one is
 * cleared), an answered hello lets the outbox flow, and the window refills.
 */
import type { DownlinkContext } from "./context.js";

export function handleAck(ctx: DownlinkContext, path: number, seqs: readonly number[]): void {
  if (ctx.trace) for (const s of seqs) ctx.trace("ack-received", "", s);
  ctx.prober.acked(path);
  const done = ctx.window.acknowledge(seqs);
  // Removal only on the ACK naming the seq: until then the item survives any restart.
  ctx.outbox.remove(seqs);
  ctx.prober.helloAcked(seqs);
  if (done.length > 0) ctx.window.endProbing();
  for (const d of done) ctx.events.emit("acked", d);
  ctx.pump();
}
