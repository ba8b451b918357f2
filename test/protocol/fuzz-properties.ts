/**
 * The fuzz properties of the frame decoder and verifier, shared by the CI test (fuzz.test.ts, about
 * 100,000 cases) and the soak run (fuzz-soak.ts, `npm run soak`, 10 million). Each holds for every
 * input: nothing but a ProtocolError with a known code ever leaves openUplink, openDownlink or
 * decodeCanonical, and no changed frame is ever accepted. They throw plain errors, not vitest
 * expectations, so the soak runs without vitest.
 */
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import {
  MapKeyRing,
  ProtocolError,
  decodeCanonical,
  encodeCanonical,
  encodeDownlinkPayload,
  encodeUplinkPayload,
  generateEd25519,
  openDownlink,
  sealDownlinkAcks,
  openUplink,
  privateKeyFromPem,
  publicKeyFromPem,
  sealDownlink,
  sealUplink,
  type DownlinkPayload,
  type ProtocolErrorCode,
} from "../../protocol/index.js";
import { uplinkPayload } from "./arbitraries.js";
import { cborItem, cborValue, deepItem } from "./cbor-fuzz-arbitraries.js";
import { mutation } from "./frame-mutations.js";
import { rawEnvelope } from "./raw-envelope.js";

/** Every code, checked by the compiler to be complete: a rejection with any other code is a bug. */
const CODES: Record<ProtocolErrorCode, true> = {
  malformed: true,
  oversize: true,
  "too-complex": true,
  "unsupported-version": true,
  "unsupported-algorithm": true,
  "unknown-key": true,
  "wrong-panel": true,
  "bad-signature": true,
  stale: true,
  replay: true,
  expired: true,
  "bad-key": true,
};

/** Run `f`; return what it returned, or the ProtocolError it threw. Anything else fails the property. */
export function attempt<T>(f: () => T): { ok: true; value: T } | { ok: false; error: ProtocolError } {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw new Error(`untyped rejection: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
    if (!Object.hasOwn(CODES, e.code)) throw new Error(`unknown code ${e.code}`);
    if (!e.message.startsWith(`${e.code}: `)) throw new Error(`message does not lead with its code: ${e.message}`);
    return { ok: false, error: e };
  }
}

function refused(f: () => unknown, what: string): ProtocolError {
  const r = attempt(f);
  if (r.ok) throw new Error(`${what} was accepted`);
  return r.error;
}

const kp = generateEd25519();
const key = privateKeyFromPem(kp.privatePem);
const pub = publicKeyFromPem(kp.publicPem);
const centre = { kid: "centre", key: pub };
const T = 1_795_667_400_000;

/** Valid uplink frames, each under its own kid registered for its panel. */
const ring = new MapKeyRing().add("k", "p1", pub);
const uplinks = fc.sample(uplinkPayload, { numRuns: 64, seed: 50131 }).map((p, i) => {
  ring.add(`u${i}`, p.panel, pub);
  return { payload: p, frame: sealUplink(p, { kid: `u${i}`, key }) };
});

const downPayloads: DownlinkPayload[] = [
  { v: 1, panel: "p1", sent: T, ack: { seqs: [1], refs: ["00112233445566ff"] } },
  { v: 1, panel: "p1", sent: T, ack: { seqs: Array.from({ length: 40 }, (_, i) => 1000 + i * 977), refs: Array.from({ length: 40 }, (_, i) => (0x1000 + i).toString(16).padStart(16, "a")) } },
  { v: 1, panel: "p1", sent: T, nak: { seq: 7, reason: "stale", ref: "0123456789abcdef" } },
  { v: 1, panel: "p1", sent: T, cmd: { id: "c1", exp: T + 60_000, type: "arm", area: 1, mode: "away" } },
  { v: 1, panel: "p1", sent: T, cmd: { id: "c2", exp: T + 60_000, type: "disarm", area: 2 } },
  { v: 1, panel: "p1", sent: T, cmd: { id: "c3", exp: T + 60_000, type: "user-delete", user: 12 } },
  { v: 1, panel: "p1", sent: T, cmd: { id: "c4", exp: T + 60_000, type: "user-add", spec: { user: 3, code: "482913", name: "guest", areas: [1, 2], perms: ["disarm"], validFrom: T, validUntil: T + 86_400_000 } } },
  { v: 1, panel: "p1", sent: T, cmd: { id: "c5", exp: T + 60_000, type: "test-start", until: T + 3_600_000 } },
];
const downlinks = downPayloads.map((payload) => ({ payload, frame: sealDownlink(payload, { kid: "centre", key }) }));
const openDown = (f: Uint8Array) => openDownlink(f, { centre, panel: "p1" });
/** ACKs of one commit under one signature (protocol/cose-batch.ts): five leaves, paths of two and three hashes. */
const batchPayloads = Array.from({ length: 5 }, (_, i) => ({ v: 1 as const, panel: "p1", sent: T, ack: { seqs: [10 + i, 20 + i], refs: [(0xa0 + i).toString(16).padStart(16, "0"), (0xb0 + i).toString(16).padStart(16, "0")] } }));
const batched = sealDownlinkAcks(batchPayloads, { kid: "centre", key });

/** Payload bytes in a well-formed envelope under the registered kid "k", signed or not. */
function envelope(payload: Uint8Array, signed: boolean): Uint8Array {
  return rawEnvelope(payload, signed ? key : null, { kid: "k" });
}

const bytesEqual = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
/** Payloads compared by their deterministic encoding (fast-check's records need not share a prototype). */
const samePayload = bytesEqual;

export interface FuzzProperty {
  readonly name: string;
  /** Cases in CI; the soak multiplies these. */
  readonly runs: number;
  readonly property: fc.IProperty<never>;
}

const prop = <T>(arb: fc.Arbitrary<T>, check: (t: T) => void) => fc.property(arb, check) as unknown as fc.IProperty<never>;

export const fuzzProperties: readonly FuzzProperty[] = [
  {
    name: "random bytes: never opened, every rejection typed",
    runs: 30_000,
    property: prop(fc.oneof({ weight: 9, arbitrary: fc.uint8Array({ maxLength: 300 }) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 3000, maxLength: 4200 }) }), (b) => {
      refused(() => openUplink(b, ring), "random bytes as an uplink");
      refused(() => openDown(b), "random bytes as a downlink");
      attempt(() => decodeCanonical(b));
    }),
  },
  {
    name: "mutated uplink frames: refused with a typed error unless unchanged",
    runs: 30_000,
    property: prop(fc.tuple(fc.nat(uplinks.length - 1), fc.nat(uplinks.length - 1), mutation), ([i, j, m]) => {
      const bad = m(uplinks[i]!.frame, uplinks[j]!.frame);
      const r = attempt(() => openUplink(bad, ring));
      // A splice can rebuild a whole valid frame (the other one): accepted only as exactly that frame.
      const same = uplinks.find((u) => bytesEqual(bad, u.frame));
      if (r.ok && !(same && samePayload(encodeUplinkPayload(r.value.payload), encodeUplinkPayload(same.payload)))) throw new Error("a changed uplink frame was accepted");
    }),
  },
  {
    name: "mutated downlink frames: refused with a typed error unless unchanged",
    runs: 10_000,
    property: prop(fc.tuple(fc.nat(downlinks.length - 1), fc.nat(downlinks.length - 1), mutation), ([i, j, m]) => {
      const bad = m(downlinks[i]!.frame, downlinks[j]!.frame);
      const r = attempt(() => openDown(bad));
      const same = downlinks.find((d) => bytesEqual(bad, d.frame));
      if (r.ok && !(same && samePayload(encodeDownlinkPayload(r.value), encodeDownlinkPayload(same.payload)))) throw new Error("a changed downlink frame was accepted");
    }),
  },
  {
    // A leaf index and tree size that keep the leaf's turns prove the same leaf (RFC 9162 §2.1.3.2): such a
    // change may be accepted, but only ever as one of the ACKs the centre signed.
    name: "mutated batched ACK frames: refused with a typed error unless they open to an ACK of the batch",
    runs: 10_000,
    property: prop(fc.tuple(fc.nat(batched.length - 1), fc.nat(batched.length - 1), mutation), ([i, j, m]) => {
      const bad = m(batched[i]!, batched[j]!);
      const r = attempt(() => openDown(bad));
      if (r.ok && !batchPayloads.some((p) => samePayload(encodeDownlinkPayload(r.value), encodeDownlinkPayload(p)))) throw new Error("a changed batched frame was accepted");
    }),
  },
  {
    name: "structure-aware CBOR: decoded or refused with a typed error, alone and as an unsigned payload",
    runs: 20_000,
    property: prop(cborItem, (b) => {
      const d = attempt(() => decodeCanonical(b));
      if (d.ok && !bytesEqual(encodeCanonical(d.value), b)) throw new Error("decoded bytes that are not the canonical encoding");
      refused(() => openUplink(b, ring), "a bare CBOR item as an uplink");
      refused(() => openUplink(envelope(b, false), ring), "an unsigned payload");
    }),
  },
  {
    name: "structure-aware CBOR signed with a registered key: opened only if it re-encodes to the same bytes",
    runs: 5_000,
    property: prop(cborItem, (b) => {
      const r = attempt(() => openUplink(envelope(b, true), ring));
      if (r.ok && !bytesEqual(encodeUplinkPayload(r.value.payload), b)) throw new Error("a payload opened as something other than its bytes");
    }),
  },
  {
    name: "pathological nesting: refused cheaply with a typed error",
    runs: 3_000,
    property: prop(deepItem, (b) => {
      const e = refused(() => openUplink(b, ring), "deep nesting as an uplink");
      if (!["malformed", "too-complex", "oversize"].includes(e.code)) throw new Error(`deep nesting refused as ${e.code}`);
      refused(() => openUplink(envelope(b, true), ring), "a deep signed payload");
      attempt(() => decodeCanonical(b));
    }),
  },
  {
    name: "values of the data model round-trip, or are too-complex or oversize (never malformed)",
    runs: 10_000,
    property: prop(cborValue, (v) => {
      const bytes = encodeCanonical(v);
      const r = attempt(() => decodeCanonical(bytes));
      if (r.ok && !isDeepStrictEqual(r.value, v)) throw new Error("round trip changed the value");
      if (!r.ok && r.error.code !== "too-complex" && r.error.code !== "oversize") throw new Error(`a canonical encoding refused as ${r.error.code}`);
    }),
  },
];

export const ciCases = fuzzProperties.reduce((n, p) => n + p.runs, 0);
