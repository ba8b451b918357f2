/**
 * Whether a frame arriving under a (panel, seq) the centre already holds says what the stored row says:
 * then it is a resend (a duplicate, ACKed again); else the panel has handed out the number a second time
 * (its outbox was lost and it started again from 0) and the frame is a `reused` one, never a duplicate:
 * taking it for one would ACK a real alarm that is then never raised (EN 50136-1 6.3: the transmission
 * system must not lose alarm messages). What counts is the content: the events (code, q, area,
 * zone/user, at) or the heartbeat/result body; not `sent`, which a resend may set anew, nor `seqs`, which
 * a batch frame's rows do not keep (receiver/frame-events.ts). Key order does not count either
 * (PostgreSQL's jsonb reorders keys).
 */
import type { UplinkPayload } from "../../../protocol/index.js";

export function sameContent(stored: unknown, incoming: UplinkPayload): boolean {
  if (typeof stored === "string") {
    try {
      stored = JSON.parse(stored) as unknown;
    } catch {
      return false;
    }
  }
  return contentKey(stored) === contentKey(incoming);
}

/** A 32-bit digest (FNV-1a) of the content sameContent compares: a tag for the receiver's replay window. */
export function contentTag(payload: UplinkPayload): number {
  const key = contentKey(payload);
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The content as one string: the payload's JSON with keys sorted and `sent`/`seqs` left out at the top.
 * Written with loops and concatenation rather than spread, filter, map and join: the receiver takes this
 * for every row it stores (contentTag), and the allocations were most of its cost.
 */
function contentKey(payload: unknown): string {
  if (payload === null || typeof payload !== "object") return canonical(payload);
  return canonicalObject(payload as Record<string, unknown>, true);
}

function canonical(v: unknown): string {
  switch (typeof v) {
    case "string":
      return JSON.stringify(v);
    case "number":
      return Number.isFinite(v) ? String(v) : "null";
    case "boolean":
      return v ? "true" : "false";
    case "object":
      if (v === null) return "null";
      if (Array.isArray(v)) {
        let s = "[";
        for (let i = 0; i < v.length; i++) s += (i === 0 ? "" : ",") + canonical(v[i]);
        return s + "]";
      }
      return canonicalObject(v as Record<string, unknown>, false);
    default:
      return JSON.stringify(v) ?? "null"; // undefined, functions, symbols: null; a bigint throws, as JSON does
  }
}

function canonicalObject(o: Record<string, unknown>, top: boolean): string {
  const keys = Object.keys(o).sort();
  let s = "{";
  let first = true;
  for (const k of keys) {
    const x = o[k];
    if (x === undefined || (top && (k === "sent" || k === "seqs"))) continue;
    s += (first ? "" : ",") + quoted(k) + ":" + canonical(x);
    first = false;
  }
  return s + "}";
}

/** JSON.stringify of a key, kept for the few keys payloads have (bounded: stored rows may carry any). */
const QUOTED = new Map<string, string>();
function quoted(k: string): string {
  let q = QUOTED.get(k);
  if (q === undefined) {
    q = JSON.stringify(k);
    if (QUOTED.size < 256) QUOTED.set(k, q);
  }
  return q;
}
