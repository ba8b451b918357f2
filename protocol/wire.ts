/** Helpers shared by the uplink and downlink codecs: strict integer-keyed CBOR maps and zod errors. */
import { z } from "zod";
import { isCborArray, isCborMap, type CborMap, type CborValue } from "./cbor.js";
import { ProtocolError } from "./errors.js";
import { PROTOCOL_VERSION } from "./schema.js";

/** Read an integer-keyed map, refusing any key outside `allowed` (unknown fields are errors). */
export function intMap(v: CborValue | undefined, allowed: readonly number[], what: string): CborMap {
  if (!isCborMap(v)) throw new ProtocolError("malformed", `${what} must be a map`);
  for (const k of v.keys()) {
    if (typeof k !== "number" || !allowed.includes(k)) throw new ProtocolError("malformed", `${what}: unknown field ${JSON.stringify(k)}`);
  }
  return v;
}

export function arr(v: CborValue | undefined, what: string): readonly CborValue[] {
  if (!isCborArray(v)) throw new ProtocolError("malformed", `${what} must be an array`);
  return v;
}

/** Key 0 is the protocol version in every payload; refuse other versions before reading anything else. */
export function checkVersion(m: CborMap): void {
  const v = m.get(0);
  if (typeof v !== "number") throw new ProtocolError("malformed", "payload version missing");
  if (v !== PROTOCOL_VERSION) throw new ProtocolError("unsupported-version", `payload version ${v}, this build speaks ${PROTOCOL_VERSION}`);
}

/** Validate with a zod schema; failures become ProtocolError("malformed") naming the field path. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ProtocolError("malformed", `${what}: ${z.prettifyError(r.error).replace(/\n/g, "; ")}`);
  return r.data;
}

/** Plain JSON-like values (command arguments) to CBOR with text keys, and back. */
export function jsonToCbor(v: unknown): CborValue {
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  if (Array.isArray(v)) return v.map(jsonToCbor);
  if (typeof v === "object" && v !== null) {
    return new Map(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, jsonToCbor(x)]));
  }
  throw new ProtocolError("malformed", `cannot encode ${typeof v}`);
}

export function cborToJson(v: CborValue): unknown {
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  if (isCborArray(v)) return v.map(cborToJson);
  if (isCborMap(v)) {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v) {
      if (typeof k !== "string") throw new ProtocolError("malformed", "argument keys must be text");
      o[k] = cborToJson(x);
    }
    return o;
  }
  throw new ProtocolError("malformed", "unexpected value in arguments");
}
