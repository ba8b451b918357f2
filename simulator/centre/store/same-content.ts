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

/**
 * A 32-bit digest (FNV-1a) of the content sameContent compares: a tag for the receiver's replay window.
 * The digest of contentKey's text, fed as the text is walked rather than built (one per frame).
 */
export function contentTag(payload: UplinkPayload): number {
  h = FNV_OFFSET;
  walk(payload, true);
  return h >>> 0;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** The digest so far: contentTag is synchronous and calls nothing outside this file. */
let h = FNV_OFFSET;

function feed(s: string): void {
  let x = h;
  for (let i = 0; i < s.length; i++) x = Math.imul(x ^ s.charCodeAt(i), FNV_PRIME);
  h = x;
}

function feedChar(c: number): void {
  h = Math.imul(h ^ c, FNV_PRIME);
}

/** The text canonical(v) builds (contentKey's at the top), fed to the digest in order. */
function walk(v: unknown, top: boolean): void {
  if (typeof v === "number" && Number.isSafeInteger(v)) return feedInteger(v);
  if (Array.isArray(v)) {
    feedChar(0x5b); // [
    for (let i = 0; i < v.length; i++) {
      if (i > 0) feedChar(0x2c); // ,
      walk(v[i], false);
    }
    feedChar(0x5d); // ]
    return;
  }
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    keys.sort();
    feedChar(0x7b); // {
    let first = true;
    for (const k of keys) {
      if (o[k] === undefined || (top && (k === "sent" || k === "seqs"))) continue;
      if (!first) feedChar(0x2c);
      first = false;
      feed(keyText(k));
      feedChar(0x3a); // :
      walk(o[k], false);
    }
    feedChar(0x7d); // }
    return;
  }
  feed(typeof v === "number" && Number.isFinite(v) ? String(v) : (JSON.stringify(v) ?? "null"));
}

/** Decimal digits of a safe integer, as String() writes them, fed without making the string. */
const digits: number[] = [];
function feedInteger(n: number): void {
  if (n < 0) {
    feedChar(0x2d); // -
    n = -n;
  }
  let d = 0;
  do {
    digits[d++] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  } while (n > 0);
  while (d > 0) feedChar(digits[--d]!);
}

/** Object keys as JSON writes them; payloads have a handful of distinct keys. */
const keyTexts = new Map<string, string>();
function keyText(k: string): string {
  let t = keyTexts.get(k);
  if (t === undefined) {
    t = JSON.stringify(k);
    if (keyTexts.size < 256) keyTexts.set(k, t);
  }
  return t;
}

export function contentKey(payload: unknown): string {
  if (payload === null || typeof payload !== "object") return canonical(payload);
  const { sent: _sent, seqs: _seqs, ...rest } = payload as Record<string, unknown>;
  return canonical(rest);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}
