/**
 * A hand-written test that a value is an ACK downlink payload, equal in verdict to that member of the zod
 * schema (schema.ts `DownlinkPayload`; a property test holds the two together). The receiver seals an
 * ACK per panel per group commit, nearly one per frame under load; encodeDownlinkPayload runs zod only on
 * what this refuses (NAKs, commands, anything malformed), for its verdict and message.
 */
import { hasOnly, intIn, isRecord } from "./guard-parts.js";
import { ACK_MAX_FRAMES, FRAME_REF_PATTERN, PANEL_ID_PATTERN, PROTOCOL_VERSION, type AckPayload } from "./schema.js";

const MAX = Number.MAX_SAFE_INTEGER;

export function isAckPayload(v: unknown): v is AckPayload {
  if (!isRecord(v) || !hasOnly(v, ["v", "panel", "sent", "ack"])) return false;
  const { v: version, panel, sent, ack } = v;
  if (version !== PROTOCOL_VERSION || typeof panel !== "string" || !PANEL_ID_PATTERN.test(panel) || !intIn(sent, 0, MAX)) return false;
  if (!isRecord(ack) || !hasOnly(ack, ["seqs", "refs"])) return false;
  const { seqs, refs } = ack;
  if (!Array.isArray(seqs) || !Array.isArray(refs) || seqs.length < 1 || seqs.length > ACK_MAX_FRAMES || refs.length !== seqs.length) return false;
  return seqs.every((s) => intIn(s, 0, MAX)) && refs.every((r) => typeof r === "string" && FRAME_REF_PATTERN.test(r));
}
