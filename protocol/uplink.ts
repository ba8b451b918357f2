/**
 * Uplink payload codec (panel -> centre). Wire form, a deterministic CBOR map with integer keys:
 *   {0: version, 1: panel, 2: seq, 3: sent, and exactly one of
 *    4: events [[code, qualifier, area, zone-or-user (0 if none), age ms = sent - at], ...],
 *    5: heartbeat {0: [[area, mode index], ...], 1: [trouble codes], 2: outbox depth},
 *    6: result {0: command id, 1: ok, 2?: error},
 *   and with 4 only, 7: [seq, ...] when the frame is a batch, one seq per event (event-batch.ts)}
 * Event times travel as their age at transmission, which keeps a single-event alarm frame within
 * 128 bytes (the size budget in protocol/README.md); the receiver recovers the absolute time as sent - age.
 */
import { decodeCanonical, encodeCanonical, type CborValue } from "./cbor.js";
import { UPLINK_LIMITS } from "./cbor-prescan.js";
import { ProtocolError } from "./errors.js";
import { eventDef } from "./events.js";
import { ArmModes, PROTOCOL_VERSION, UplinkPayload, type Event, type Heartbeat } from "./schema.js";
import { isUplinkPayload } from "./uplink-guard.js";
import { arr, checkVersion, intMap, validate } from "./wire.js";

const K = { v: 0, panel: 1, seq: 2, sent: 3, events: 4, heartbeat: 5, result: 6, seqs: 7 } as const;

function eventToWire(e: Event, sent: number): CborValue {
  const meaning = eventDef(e.code)?.number;
  const num = meaning === "zone" ? e.zone : meaning === "user" ? e.user : 0;
  return [e.code, e.q, e.area, num ?? 0, sent - e.at];
}

function eventFromWire(w: CborValue, sent: number): unknown {
  const a = arr(w, "event");
  if (a.length !== 5) throw new ProtocolError("malformed", "event must be 5 integers");
  const [code, q, area, num, age] = a;
  if (typeof code !== "number" || typeof q !== "number" || typeof area !== "number" || typeof num !== "number" || typeof age !== "number") {
    throw new ProtocolError("malformed", "event must be 5 integers");
  }
  const meaning = eventDef(code)?.number;
  if (meaning === "none" && num !== 0) throw new ProtocolError("malformed", `code ${code} takes no zone or user`);
  // One literal per shape (key order as the encoder's Event: code, q, area, zone or user, at).
  if (meaning === "zone") return { code, q, area, zone: num, at: sent - age };
  if (meaning === "user") return { code, q, area, user: num, at: sent - age };
  return { code, q, area, at: sent - age };
}

function heartbeatToWire(h: Heartbeat): CborValue {
  return new Map<number, CborValue>([
    [0, h.areas.map((a) => [a.area, ArmModes.indexOf(a.mode)])],
    [1, h.troubles],
    [2, h.outbox],
  ]);
}

function heartbeatFromWire(w: CborValue): unknown {
  const m = intMap(w, [0, 1, 2], "heartbeat");
  return {
    areas: arr(m.get(0), "heartbeat areas").map((x) => {
      const p = arr(x, "area status");
      if (p.length !== 2 || typeof p[1] !== "number") throw new ProtocolError("malformed", "area status must be [area, mode]");
      const mode = ArmModes[p[1]];
      if (mode === undefined) throw new ProtocolError("malformed", `unknown arm mode ${p[1]}`);
      return { area: p[0], mode };
    }),
    troubles: m.get(1),
    outbox: m.get(2),
  };
}

/** Validate and encode an uplink payload. Throws ProtocolError("malformed") naming the bad field. */
export function encodeUplinkPayload(input: unknown): Uint8Array {
  // Through the hand-written guard (uplink-guard.ts, zod's verdict), as on decode: the gateway seals
  // every transmission; zod runs only on a refused payload, for its message.
  const p = isUplinkPayload(input) ? input : validate(UplinkPayload, input, "uplink payload");
  const m = new Map<number, CborValue>([
    [K.v, p.v],
    [K.panel, p.panel],
    [K.seq, p.seq],
    [K.sent, p.sent],
  ]);
  if ("events" in p) {
    m.set(K.events, p.events.map((e) => eventToWire(e, p.sent)));
    if (p.seqs !== undefined) m.set(K.seqs, p.seqs);
  }
  else if ("heartbeat" in p) m.set(K.heartbeat, heartbeatToWire(p.heartbeat));
  else m.set(K.result, new Map<number, CborValue>([[0, p.result.id], [1, p.result.ok], ...(p.result.error !== undefined ? [[2, p.result.error] as [number, CborValue]] : [])]));
  return encodeCanonical(m);
}

const KEYS: readonly number[] = Object.values(K);

export function decodeUplinkPayload(bytes: Uint8Array): UplinkPayload {
  const m = intMap(decodeCanonical(bytes, UPLINK_LIMITS, "uplink payload"), KEYS, "uplink payload");
  checkVersion(m);
  const sent = m.get(K.sent);
  if (typeof sent !== "number") throw new ProtocolError("malformed", "sent missing");
  const bodies = (m.has(K.events) ? 1 : 0) + (m.has(K.heartbeat) ? 1 : 0) + (m.has(K.result) ? 1 : 0);
  if (bodies !== 1) throw new ProtocolError("malformed", "exactly one of events, heartbeat, result");
  const out: Record<string, unknown> = { v: PROTOCOL_VERSION, panel: m.get(K.panel), seq: m.get(K.seq), sent };
  if (m.has(K.seqs) && !m.has(K.events)) throw new ProtocolError("malformed", "seqs (key 7) only with events");
  if (m.has(K.events)) {
    out.events = arr(m.get(K.events), "events").map((e) => eventFromWire(e, sent));
    if (m.has(K.seqs)) out.seqs = arr(m.get(K.seqs), "seqs");
  }
  else if (m.has(K.heartbeat)) out.heartbeat = heartbeatFromWire(m.get(K.heartbeat)!);
  else {
    const r = intMap(m.get(K.result), [0, 1, 2], "result");
    out.result = { id: r.get(0), ok: r.get(1), ...(r.has(2) ? { error: r.get(2) } : {}) };
  }
  // The guard has zod's verdict (uplink-guard.ts); zod runs only on a refused payload, for its message.
  return isUplinkPayload(out) ? out : validate(UplinkPayload, out, "uplink payload");
}
