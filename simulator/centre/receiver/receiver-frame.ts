/**
 * One uplink frame through the receiver's checks, pure apart from the key ring: verify with the panel's
 * registered key (the topic names the panel), then the DC-09 transmission-time window. The verdict says
 * what to answer: store it, NAK it with a reason, or drop it when not even a sequence number is known.
 */
import {
  NakReason,
  ProtocolError,
  checkFreshness,
  decodeUplinkPayload,
  isProtocolError,
  openUplink,
  parseSign1,
  parseTopic,
  type FreshnessWindow,
  type KeyRing,
  type UplinkPayload,
} from "../../../protocol/index.js";

export type FrameVerdict =
  | { readonly kind: "ok"; readonly panel: string; readonly kid: string; readonly payload: UplinkPayload }
  | { readonly kind: "nak"; readonly panel: string; readonly seq: number; readonly reason: NakReason; readonly error: ProtocolError }
  | { readonly kind: "drop"; readonly code: string; readonly message: string };

export function judgeFrame(topic: string, frame: Uint8Array, ring: KeyRing, now: number, window?: FreshnessWindow): FrameVerdict {
  const t = parseTopic(topic);
  if (!t || t.kind !== "up") return { kind: "drop", code: "bad-topic", message: `not an uplink topic: ${topic}` };
  let opened;
  try {
    opened = openUplink(frame, ring, { topicPanel: t.panel });
    // Freshness is checked here rather than inside openUplink so that a stale NAK can name the seq.
    checkFreshness(opened.payload.sent, now, window);
  } catch (e) {
    const err = isProtocolError(e) ? e : new ProtocolError("malformed", (e as Error).message);
    const seq = opened?.payload.seq ?? unverifiedSeq(frame);
    if (seq === undefined) return { kind: "drop", code: err.code, message: err.message };
    const reason = NakReason.safeParse(err.code);
    return { kind: "nak", panel: t.panel, seq, reason: reason.success ? reason.data : "malformed", error: err };
  }
  return { kind: "ok", panel: t.panel, kid: opened.kid, payload: opened.payload };
}

/**
 * The sequence number a frame claims, without trusting it: used only to address a NAK. The broker ACL
 * lets only the panel itself publish on its uplink topic, so this cannot be used to NAK another panel.
 */
function unverifiedSeq(frame: Uint8Array): number | undefined {
  try {
    return decodeUplinkPayload(parseSign1(frame).payload).seq;
  } catch {
    return undefined;
  }
}
