/**
 * A hand-written test that a value is an UplinkPayload, equal in verdict to the zod schema (schema.ts
 * `UplinkPayload`; a property test holds the two together). The centre opens every frame through it:
 * the canonical CBOR decoder (uplink.ts) has already typed the payload's fields (a batch frame's `seqs` too,
 * with event-batch.ts's rules), and zod's pass over it
 * cost more than the decode. decodeUplinkPayload runs zod only on a payload this refuses, for the message.
 */
import { BATCH_MAX_EVENTS, batchProblem } from "./event-batch.js";
import { isEvent } from "./event-guard.js";
import { eventDef } from "./events.js";
import { hasOnly, intIn, isRecord } from "./guard-parts.js";
import { ArmModes, CommandErrorCode, PANEL_ID_PATTERN, PROTOCOL_VERSION, type UplinkPayload } from "./schema.js";

const HEAD = ["v", "panel", "seq", "sent"];
const BODIES = new Set(["events", "heartbeat", "result"]);
const MODES = new Set<unknown>(ArmModes);
const ERRORS = new Set<unknown>(CommandErrorCode.options);
const MAX = Number.MAX_SAFE_INTEGER;

function isAreaStatus(v: unknown): boolean {
  return isRecord(v) && hasOnly(v, ["area", "mode"]) && intIn(v.area, 0, 255) && MODES.has(v.mode);
}

function isHeartbeat(v: unknown): boolean {
  if (!isRecord(v) || !hasOnly(v, ["areas", "troubles", "outbox"])) return false;
  const { areas, troubles, outbox } = v;
  if (!Array.isArray(areas) || areas.length > 32 || !areas.every(isAreaStatus)) return false;
  if (!Array.isArray(troubles) || troubles.length > 32 || !troubles.every((c) => Number.isSafeInteger(c) && eventDef(c as number) !== undefined)) return false;
  return intIn(outbox, 0, MAX);
}

function isCommandResult(v: unknown): boolean {
  if (!isRecord(v) || !hasOnly(v, ["id", "ok"], ["error"])) return false;
  const { id, ok, error } = v;
  return typeof id === "string" && id.length >= 1 && id.length <= 64 && typeof ok === "boolean" && (error === undefined || ERRORS.has(error));
}

export function isUplinkPayload(v: unknown): v is UplinkPayload {
  if (!isRecord(v)) return false;
  let body: string | undefined;
  for (const k in v) {
    if (HEAD.includes(k) || k === "seqs") continue; // seqs: only beside events (hasOnly below)
    if (!BODIES.has(k) || body !== undefined) return false;
    body = k;
  }
  if (body === undefined || !hasOnly(v, [...HEAD, body], body === "events" ? ["seqs"] : [])) return false;
  const { v: version, panel, seq, sent } = v;
  if (version !== PROTOCOL_VERSION || typeof panel !== "string" || !PANEL_ID_PATTERN.test(panel) || !intIn(seq, 0, MAX) || !intIn(sent, 0, MAX)) return false;
  if (body === "events") {
    const { events, seqs } = v;
    if (!Array.isArray(events) || events.length < 1 || events.length > BATCH_MAX_EVENTS || !events.every(isEvent)) return false;
    // A batch frame (event-batch.ts): the seqs' own bounds, then the rules between seqs and events.
    if (seqs !== undefined && (!Array.isArray(seqs) || seqs.length < 2 || seqs.length > BATCH_MAX_EVENTS || !seqs.every((s) => intIn(s, 0, MAX)))) return false;
    return batchProblem(seq as number, events as { code: number }[], seqs as number[] | undefined) === undefined;
  }
  return body === "heartbeat" ? isHeartbeat(v.heartbeat) : isCommandResult(v.result);
}
