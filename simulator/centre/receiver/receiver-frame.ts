/**
 * One uplink frame through the receiver's checks, pure apart from the key ring: verify with the panel's
 * registered key (the topic names the panel), then the payload, then the DC-09 transmission-time window.
 * The verdict says what to answer: store it, NAK it, or drop it.
 *
 * Only a frame whose signature verifies is ever answered, and every answer names the exact frame
 * (protocol/frame-ref.ts). A frame that does not verify is dropped unanswered: anyone holding the panel's
 * broker certificate may publish on its uplink topic, and a NAK read from an unverified frame's sequence
 * number would let junk frames carrying the panel's next numbers get its real events parked as refused.
 * The panel's own retransmission timer covers a real frame damaged in transit.
 */
import {
  NakReason,
  ProtocolError,
  checkFreshness,
  decodeUplinkPayload,
  frameRef,
  isProtocolError,
  parseSign1,
  parseTopic,
  verifySign1,
  type FreshnessWindow,
  type KeyRing,
  type ParsedSign1,
  type UplinkPayload,
} from "../../../protocol/index.js";

export type FrameVerdict =
  | { readonly kind: "ok"; readonly panel: string; readonly kid: string; readonly payload: UplinkPayload; readonly ref: string }
  | { readonly kind: "nak"; readonly panel: string; readonly seq: number; readonly reason: NakReason; readonly ref: string; readonly error: ProtocolError }
  /** `verified` false: the signature was never checked good (unparseable, unknown key, bad signature). */
  | { readonly kind: "drop"; readonly panel: string | undefined; readonly verified: boolean; readonly code: string; readonly message: string };

/**
 * `envelope`: the frame's envelope when the caller has parsed it already (the receiver does, to load the
 * kid's key first); it must be parseSign1(frame). Absent, the frame is parsed here.
 */
export function judgeFrame(topic: string, frame: Uint8Array, ring: KeyRing, now: number, window?: FreshnessWindow, envelope?: ParsedSign1): FrameVerdict {
  const t = parseTopic(topic);
  if (!t || t.kind !== "up") return { kind: "drop", panel: undefined, verified: false, code: "bad-topic", message: `not an uplink topic: ${topic}` };
  let parsed;
  try {
    // The order of protocol/frame.ts openUplink: envelope, key of this panel, signature.
    parsed = envelope ?? parseSign1(frame);
    const reg = ring.lookup(parsed.kid);
    if (!reg || reg.panel !== t.panel) throw new ProtocolError("unknown-key", `kid ${JSON.stringify(parsed.kid)} is not a key of panel ${t.panel}`);
    verifySign1(parsed, reg.key);
  } catch (e) {
    const err = asProtocolError(e);
    return { kind: "drop", panel: t.panel, verified: false, code: err.code, message: err.message };
  }
  let payload: UplinkPayload;
  try {
    payload = decodeUplinkPayload(parsed.payload);
  } catch (e) {
    // Signed by the panel's key but not readable: there is no sequence number to name.
    const err = asProtocolError(e);
    return { kind: "drop", panel: t.panel, verified: true, code: err.code, message: err.message };
  }
  const ref = frameRef(frame);
  if (payload.panel !== t.panel) return nak(t.panel, payload.seq, ref, new ProtocolError("wrong-panel", `payload names panel ${payload.panel}, key belongs to ${t.panel}`));
  try {
    checkFreshness(payload.sent, now, window);
  } catch (e) {
    // Authentic but outside the window: the NAK carries the centre's time so the panel corrects and resends.
    return nak(t.panel, payload.seq, ref, asProtocolError(e));
  }
  return { kind: "ok", panel: t.panel, kid: parsed.kid, payload, ref };
}

function nak(panel: string, seq: number, ref: string, err: ProtocolError): FrameVerdict {
  const reason = NakReason.safeParse(err.code);
  return { kind: "nak", panel, seq, reason: reason.success ? reason.data : "malformed", ref, error: err };
}

function asProtocolError(e: unknown): ProtocolError {
  return isProtocolError(e) ? e : new ProtocolError("malformed", (e as Error).message);
}
