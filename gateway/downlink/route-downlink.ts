/**
 * Every message arriving on the panel's downlink topic: refused unless it is a live (not retained)
 * frame signed by the pinned centre key for this panel, then handed to the handler of its kind.
 * A retained downlink would act again on every reconnect (MQTT v5 3.3.1.3: the broker replays the
 * retained message to each new subscription), so a retained "arm" is never acted on.
 */
import { isProtocolError, openDownlink, type DownlinkPayload } from "../../protocol/index.js";
import type { KeyObject } from "node:crypto";
import { handleAck } from "./ack.js";
import type { DownlinkContext } from "./context.js";
import { handleNak } from "./nak.js";

export interface DownlinkKeys {
  readonly panel: string;
  readonly centreKey: { readonly kid: string; readonly key: KeyObject };
}

export function routeDownlink(ctx: DownlinkContext, keys: DownlinkKeys, path: number, frame: Uint8Array, retain: boolean): void {
  if (retain) {
    ctx.events.emit("refused", { code: "retained", message: "retained downlink message ignored" });
    return;
  }
  let p: DownlinkPayload;
  try {
    // No freshness check here: a NAK or time-sync is how a gateway with a wrong clock learns the
    // right one (protocol/frame.ts). Commands are checked against the corrected clock later.
    p = openDownlink(frame, { centre: keys.centreKey, panel: keys.panel });
  } catch (e) {
    if (!isProtocolError(e)) throw e;
    ctx.events.emit("refused", { code: e.code, message: e.message });
    return;
  }
  if ("ack" in p) handleAck(ctx, path, p.ack.seqs, p.ack.refs);
  else if ("nak" in p) handleNak(ctx, p.nak.seq, p.nak.reason, p.nak.ref, p.sent, p.nak.next);
  // Commands are executed by the Gateway (downlink/command.ts), which owns the guard and the panel.
  else ctx.events.emit("command", { cmd: p.cmd, centreSent: p.sent });
}
