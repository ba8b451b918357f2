/**
 * Downlink payload codec (centre -> panel). Wire form, a deterministic CBOR map with integer keys:
 *   {0: version, 1: panel, 2: sent (centre time), and exactly one of
 *    3: ack [[seq, ref], ...], 4: nak [seq, reason, ref] (a seq-reused NAK: [seq, reason, ref, next]), 5: command {0: id, 1: exp, 2: type, 3: {text-keyed arguments}}}
 * where ref is the 8-byte byte string naming the exact frame answered (frame-ref.ts).
 */
import { decodeCanonical, encodeCanonical, type CborValue } from "./cbor.js";
import { isAckPayload } from "./ack-guard.js";
import { writeAckPayload } from "./ack-writer.js";
import { DOWNLINK_LIMITS } from "./cbor-prescan.js";
import { ProtocolError } from "./errors.js";
import { FRAME_REF_BYTES } from "./frame-ref.js";
import { DownlinkPayload, PROTOCOL_VERSION } from "./schema.js";
import { arr, cborToJson, checkVersion, intMap, jsonToCbor, validate } from "./wire.js";

const K = { v: 0, panel: 1, sent: 2, ack: 3, nak: 4, cmd: 5 } as const;

export function encodeDownlinkPayload(input: unknown): Uint8Array {
  // An ACK through its hand-written guard (ack-guard.ts, zod's verdict) and writer; anything else through zod.
  if (isAckPayload(input)) return writeAckPayload(input);
  const p = validate(DownlinkPayload, input, "downlink payload");
  if ("ack" in p) return writeAckPayload(p); // zod and the guard agree (ack-guard.test.ts): not reached
  const m = new Map<number, CborValue>([
    [K.v, p.v],
    [K.panel, p.panel],
    [K.sent, p.sent],
  ]);
  if ("nak" in p) m.set(K.nak, [p.nak.seq, p.nak.reason, refBytes(p.nak.ref), ...(p.nak.next === undefined ? [] : [p.nak.next])]);
  else {
    const { id, exp, type, ...args } = p.cmd;
    m.set(K.cmd, new Map<number, CborValue>([[0, id], [1, exp], [2, type], [3, jsonToCbor(args)]]));
  }
  return encodeCanonical(m);
}

export function decodeDownlinkPayload(bytes: Uint8Array): DownlinkPayload {
  const m = intMap(decodeCanonical(bytes, DOWNLINK_LIMITS, "downlink payload"), Object.values(K), "downlink payload");
  checkVersion(m);
  const bodies = [K.ack, K.nak, K.cmd].filter((k) => m.has(k));
  if (bodies.length !== 1) throw new ProtocolError("malformed", "exactly one of ack, nak, cmd");
  const out: Record<string, unknown> = { v: PROTOCOL_VERSION, panel: m.get(K.panel), sent: m.get(K.sent) };
  if (m.has(K.ack)) {
    const pairs = arr(m.get(K.ack), "ack").map((e) => arr(e, "ack entry"));
    if (pairs.some((e) => e.length !== 2)) throw new ProtocolError("malformed", "ack entries must be [seq, ref]");
    out.ack = { seqs: pairs.map((e) => e[0]), refs: pairs.map((e) => refHex(e[1])) };
  } else if (m.has(K.nak)) {
    const n = arr(m.get(K.nak), "nak");
    if (n.length !== 3 && n.length !== 4) throw new ProtocolError("malformed", "nak must be [seq, reason, ref] or [seq, reason, ref, next]");
    out.nak = { seq: n[0], reason: n[1], ref: refHex(n[2]), ...(n.length === 4 ? { next: n[3] } : {}) };
  } else {
    const c = intMap(m.get(K.cmd), [0, 1, 2, 3], "command");
    const args = cborToJson(c.get(3) ?? new Map());
    if (typeof args !== "object" || args === null || Array.isArray(args)) throw new ProtocolError("malformed", "command arguments must be a map");
    if ("id" in args || "exp" in args || "type" in args) throw new ProtocolError("malformed", "command arguments repeat a head field");
    out.cmd = { ...args, id: c.get(0), exp: c.get(1), type: c.get(2) };
  }
  return validate(DownlinkPayload, out, "downlink payload");
}

function refBytes(ref: string): Uint8Array {
  return Uint8Array.from(Buffer.from(ref, "hex"));
}

/** A ref on the wire is a byte string of exactly FRAME_REF_BYTES; anything else is malformed. */
function refHex(v: CborValue | undefined): string {
  if (!(v instanceof Uint8Array) || v.length !== FRAME_REF_BYTES) throw new ProtocolError("malformed", `a frame ref must be a ${FRAME_REF_BYTES}-byte string`);
  return Buffer.from(v).toString("hex");
}
