/**
 * The CBOR pre-scan (RFC 8949 §3 heads, §4.2.1 deterministic encoding): both sides of every limit, each
 * refusal with its stable code, and the largest frames the schema allows still pass.
 */
import { describe, expect, it } from "vitest";
import {
  ACK_MAX_FRAMES,
  DOWNLINK_LIMITS,
  ENVELOPE_LIMITS,
  EVENTS,
  MapKeyRing,
  UPLINK_LIMITS,
  encodeCanonical,
  generateEd25519,
  openDownlink,
  openUplink,
  prescanCbor,
  privateKeyFromPem,
  publicKeyFromPem,
  sealDownlink,
  sealUplink,
  type CborLimits,
  type CborValue,
  type DownlinkPayload,
  type UplinkPayload,
} from "../../protocol/index.js";
import { rawEnvelope } from "./raw-envelope.js";
import { rejectionCode as code } from "./rejection-code.js";

const kp = generateEd25519();
const key = privateKeyFromPem(kp.privatePem);
const pub = publicKeyFromPem(kp.publicPem);
const ring = new MapKeyRing().add("k", "p1", pub);
const centre = { kid: "centre", key: pub };
const T = 1_795_667_400_000;

const L = (maxDepth: number, maxItems: number, maxBytes = 4096): CborLimits => ({ maxBytes, maxDepth, maxItems });
/** `depth` arrays, each holding the next, around a 0: depth + 1 levels, depth + 1 items. */
const nested = (depth: number) => Uint8Array.from([...new Array<number>(depth).fill(0x81), 0x00]);
/** A flat array of `n` zeros: n + 1 items at depth 2. */
const flat = (n: number) => encodeCanonical(new Array<number>(n).fill(0));

/** Sign raw payload bytes under kid "k", bypassing the encoder. */
function frameWith(payload: Uint8Array): Uint8Array {
  return rawEnvelope(payload, key, { kid: "k" });
}

describe("pre-scan limits: refused one past each limit, accepted at it", () => {
  it("depth: 6 levels pass a depth-6 limit, 7 levels are too-complex", () => {
    expect(() => prescanCbor(nested(5), L(6, 100))).not.toThrow();
    expect(code(() => prescanCbor(nested(6), L(6, 100)))).toBe("too-complex");
  });
  it("items: 100 items pass a 100-item limit, 101 are too-complex", () => {
    expect(() => prescanCbor(flat(99), L(6, 100))).not.toThrow();
    expect(code(() => prescanCbor(flat(100), L(6, 100)))).toBe("too-complex");
  });
  it("map keys count as items: {0: 0} is 3 items", () => {
    const m = encodeCanonical(new Map([[0, 0]]));
    expect(() => prescanCbor(m, L(2, 3))).not.toThrow();
    expect(code(() => prescanCbor(m, L(2, 2)))).toBe("too-complex");
  });
  it("a tag is a level: 18(0) is depth 2", () => {
    const t = encodeCanonical({ tag: 18, value: 0 });
    expect(() => prescanCbor(t, L(2, 2))).not.toThrow();
    expect(code(() => prescanCbor(t, L(1, 2)))).toBe("too-complex");
  });
  it("size: 4096 bytes pass, 4097 are oversize", () => {
    const s = (n: number) => Uint8Array.from([0x59, (n - 3) >> 8, (n - 3) & 0xff, ...new Uint8Array(n - 3)]);
    expect(() => prescanCbor(s(4096))).not.toThrow();
    expect(code(() => prescanCbor(s(4097)))).toBe("oversize");
  });
});

describe("pre-scan refusals are malformed, before any decoding", () => {
  const cases: [string, number[]][] = [
    ["empty input", []],
    ["indefinite array", [0x9f, 0x00, 0xff]],
    ["indefinite map", [0xbf, 0xff]],
    ["indefinite byte string", [0x5f, 0x41, 0x00, 0xff]],
    ["indefinite text string", [0x7f, 0x61, 0x61, 0xff]],
    ["a lone break", [0xff]],
    ["reserved additional information 28", [0x1c]],
    ["a float", [0xf9, 0x3c, 0x00]],
    ["null", [0xf6]],
    ["undefined", [0xf7]],
    ["a simple value", [0xf8, 0x20]],
    ["tag 1 (epoch time)", [0xc1, 0x00]],
    ["truncated integer argument", [0x19, 0x01]],
    ["truncated string", [0x44, 0x01, 0x02]],
    ["an array count beyond the bytes left", [0x9a, 0xff, 0xff, 0xff, 0xff, 0x00]],
    ["a 2^64-1 byte string length", [0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]],
    ["trailing bytes", [0x00, 0x00]],
  ];
  for (const [name, bytes] of cases) {
    it(name, () => expect(code(() => prescanCbor(Uint8Array.from(bytes)))).toBe("malformed"));
  }
  it("accepts every type of the data model", () => {
    const v = new Map<number | string, CborValue>([[0, -5], [1, "t"], [2, new Uint8Array([1])], [3, [true, false]], ["k", { tag: 18, value: 2 ** 40 }]]);
    expect(() => prescanCbor(encodeCanonical(v))).not.toThrow();
  });
});

describe("hostile frames are refused by the envelope scan with a stable code", () => {
  it("4 KiB of nested arrays: too-complex", () => {
    expect(code(() => openUplink(nested(4095), ring))).toBe("too-complex");
  });
  it("4 KiB of open maps: malformed (indefinite length)", () => {
    expect(code(() => openUplink(new Uint8Array(4096).fill(0xbf), ring))).toBe("malformed");
  });
  it("a COSE_Sign1 with 4,000 items in the unprotected header: too-complex", () => {
    const f = Uint8Array.from([0xd2, 0x84, 0x40, 0xb9, 0x07, 0xd0, ...new Uint8Array(4000), 0x40, 0x40]);
    expect(code(() => openUplink(f, ring))).toBe("too-complex");
  });
  it("the envelope's own shape (depth 3, 6 items) is within its limits", () => {
    expect(ENVELOPE_LIMITS.maxDepth).toBeGreaterThanOrEqual(3);
    expect(ENVELOPE_LIMITS.maxItems).toBeGreaterThanOrEqual(6);
  });
});

describe("payload shapes: the largest valid payloads pass, one level or item more is too-complex", () => {
  const troubles = EVENTS.filter((e) => e.cls === "trouble").map((e) => e.code);
  const heartbeat: UplinkPayload = {
    v: 1,
    panel: "p1",
    seq: Number.MAX_SAFE_INTEGER,
    sent: T,
    heartbeat: {
      areas: Array.from({ length: 32 }, (_, i) => ({ area: 200 + i, mode: "night" as const })),
      troubles: Array.from({ length: 32 }, (_, i) => troubles[i % troubles.length]!),
      outbox: Number.MAX_SAFE_INTEGER,
    },
  };
  const events: UplinkPayload = {
    v: 1,
    panel: "p1",
    seq: 1,
    sent: T,
    events: Array.from({ length: 16 }, () => ({ code: 130, q: 1 as const, area: 255, zone: 999, at: 0 })),
  };
  it("a heartbeat with 32 areas and 32 troubles opens", () => {
    expect(openUplink(sealUplink(heartbeat, { kid: "k", key }), ring).payload).toEqual(heartbeat);
  });
  it("16 events open", () => {
    expect(openUplink(sealUplink(events, { kid: "k", key }), ring).payload).toEqual(events);
  });
  it("a full ACK (ACK_MAX_FRAMES sequence numbers with their frame refs) opens", () => {
    const ack: DownlinkPayload = { v: 1, panel: "p1", sent: T, ack: { seqs: Array.from({ length: ACK_MAX_FRAMES }, (_, i) => Number.MAX_SAFE_INTEGER - i), refs: Array.from({ length: ACK_MAX_FRAMES }, (_, i) => i.toString(16).padStart(16, "f")) } };
    expect(openDownlink(sealDownlink(ack, { kid: "centre", key }), { centre, panel: "p1" })).toEqual(ack);
  });
  it("a user-add with every field opens", () => {
    const cmd: DownlinkPayload = {
      v: 1,
      panel: "p1",
      sent: T,
      cmd: {
        id: "x".repeat(64),
        exp: T,
        type: "user-add",
        spec: { user: 999, code: "12345678", name: "n".repeat(32), areas: Array.from({ length: 32 }, (_, i) => i), perms: ["disarm", "bypass", "manage-users"], duress: true, validFrom: T, validUntil: T + 1, once: true },
      },
    };
    expect(openDownlink(sealDownlink(cmd, { kid: "centre", key }), { centre, panel: "p1" })).toEqual(cmd);
  });
  it(`a signed uplink payload nested ${UPLINK_LIMITS.maxDepth + 1} deep is too-complex, ${UPLINK_LIMITS.maxDepth} deep malformed`, () => {
    const wrap = (depth: number) => encodeCanonical(new Map<number, CborValue>([[0, 1], [9, JSON.parse(`${"[".repeat(depth - 2)}0${"]".repeat(depth - 2)}`) as CborValue]]));
    expect(code(() => openUplink(frameWith(wrap(UPLINK_LIMITS.maxDepth)), ring))).toBe("malformed");
    expect(code(() => openUplink(frameWith(wrap(UPLINK_LIMITS.maxDepth + 1)), ring))).toBe("too-complex");
  });
  it(`a signed uplink payload of ${UPLINK_LIMITS.maxItems + 1} items is too-complex, ${UPLINK_LIMITS.maxItems} malformed`, () => {
    // {0: 1, 9: [0 x k]} is 5 + k items
    const withItems = (n: number) => encodeCanonical(new Map<number, CborValue>([[0, 1], [9, new Array<number>(n - 5).fill(0)]]));
    expect(code(() => openUplink(frameWith(withItems(UPLINK_LIMITS.maxItems)), ring))).toBe("malformed");
    expect(code(() => openUplink(frameWith(withItems(UPLINK_LIMITS.maxItems + 1)), ring))).toBe("too-complex");
  });
  it(`a downlink payload nested ${DOWNLINK_LIMITS.maxDepth + 1} deep is too-complex`, () => {
    const deep = encodeCanonical(new Map<number, CborValue>([[0, 1], [9, JSON.parse(`${"[".repeat(DOWNLINK_LIMITS.maxDepth - 1)}0${"]".repeat(DOWNLINK_LIMITS.maxDepth - 1)}`) as CborValue]]));
    expect(code(() => openDownlink(frameWith(deep), { centre: { kid: "k", key: pub }, panel: "p1" }))).toBe("too-complex");
  });
});
