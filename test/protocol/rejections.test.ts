import { describe, expect, it } from "vitest";
import {
  MapKeyRing,
  ProtocolError,
  encodeCanonical,
  generateEd25519,
  openDownlink,
  openUplink,
  privateKeyFromPem,
  publicKeyFromPem,
  sealDownlink,
  sealUplink,
  type CborValue,
  type DownlinkPayload,
} from "../../protocol/index.js";
import { rawEnvelope } from "./raw-envelope.js";
import { rejectionCode as code } from "./rejection-code.js";

const a = generateEd25519();
const b = generateEd25519();
const keyA = privateKeyFromPem(a.privatePem);
const keyB = privateKeyFromPem(b.privatePem);
const ring = new MapKeyRing().add("kA", "panel-a", publicKeyFromPem(a.publicPem)).add("kB", "panel-b", publicKeyFromPem(b.publicPem));
const T = 1_795_667_400_000;
const alarm = (over: Record<string, unknown> = {}) =>
  ({ v: 1, panel: "panel-a", seq: 1, sent: T, events: [{ code: 130, q: 1, area: 1, zone: 2, at: T - 10 }], ...over }) as never;

/** Sign arbitrary payload bytes and protected-header content, bypassing our encoder's validation. */
function rawFrame(payload: CborValue, opts: { alg?: number; kid?: string; key?: typeof keyA; unprotected?: Map<number, CborValue> } = {}): Uint8Array {
  return rawEnvelope(encodeCanonical(payload), opts.key ?? keyA, { ...opts, kid: opts.kid ?? "kA" });
}
const wirePayload = (entries: [number, CborValue][]) => new Map<number, CborValue>(entries);
const goodWire: [number, CborValue][] = [[0, 1], [1, "panel-a"], [2, 1], [3, T], [4, [[130, 1, 1, 2, 10]]]];

describe("strict decoding: each rejection has its stable code", () => {
  it("accepts the well-formed reference frame", () => {
    expect(openUplink(rawFrame(wirePayload(goodWire)), ring, { topicPanel: "panel-a" }).payload.seq).toBe(1);
  });
  it("oversize: more than 4 KiB is refused before parsing", () => {
    expect(code(() => openUplink(new Uint8Array(4097), ring))).toBe("oversize");
  });
  it("malformed: trailing bytes", () => {
    const f = sealUplink(alarm(), { kid: "kA", key: keyA });
    expect(code(() => openUplink(Uint8Array.from([...f, 0]), ring))).toBe("malformed");
  });
  it("malformed: a tag other than 18", () => {
    const f = sealUplink(alarm(), { kid: "kA", key: keyA });
    expect(code(() => openUplink(Uint8Array.from([0xd1, ...f.subarray(1)]), ring))).toBe("malformed");
  });
  it("malformed: an unknown tag inside the payload", () => {
    expect(code(() => openUplink(rawFrame(wirePayload([...goodWire.slice(0, 3), [3, { tag: 1, value: 5 }], goodWire[4]!])), ring))).toBe("malformed");
  });
  it("malformed: non-deterministic CBOR (a 16-bit map header where 8 bits suffice)", () => {
    const f = Buffer.from(sealUplink(alarm(), { kid: "kA", key: keyA }));
    // protected header a2 -> b9 00 02 (same map, longer header): valid CBOR, not deterministic.
    const i = f.indexOf(0xa2);
    const bad = Buffer.concat([f.subarray(0, i), Buffer.from([0xb9, 0x00, 0x02]), f.subarray(i + 1)]);
    expect(code(() => openUplink(bad, ring))).toBe("malformed");
  });
  it("malformed: an unknown field", () => {
    expect(code(() => openUplink(rawFrame(wirePayload([...goodWire, [9, 1]])), ring))).toBe("malformed");
  });
  it("malformed: a missing field", () => {
    expect(code(() => openUplink(rawFrame(wirePayload(goodWire.filter(([k]) => k !== 2))), ring))).toBe("malformed");
  });
  it("malformed: a wrong type", () => {
    expect(code(() => openUplink(rawFrame(wirePayload(goodWire.map(([k, v]) => [k, k === 2 ? "1" : v]))), ring))).toBe("malformed");
  });
  it("malformed: an event code outside the catalogue", () => {
    expect(code(() => openUplink(rawFrame(wirePayload([...goodWire.slice(0, 4), [4, [[999, 1, 1, 2, 10]]]])), ring))).toBe("malformed");
  });
  it("malformed: anything in the unprotected header", () => {
    expect(code(() => openUplink(rawFrame(wirePayload(goodWire), { unprotected: new Map([[4, new Uint8Array([1])]]) }), ring))).toBe("malformed");
  });
  it("unsupported-version: payload version 2", () => {
    expect(code(() => openUplink(rawFrame(wirePayload([[0, 2], ...goodWire.slice(1)])), ring))).toBe("unsupported-version");
  });
  it("unsupported-algorithm: ES256 in the protected header", () => {
    expect(code(() => openUplink(rawFrame(wirePayload(goodWire), { alg: -7 }), ring))).toBe("unsupported-algorithm");
  });
  it("unknown-key: a kid nobody registered", () => {
    expect(code(() => openUplink(rawFrame(wirePayload(goodWire), { kid: "kX" }), ring))).toBe("unknown-key");
  });
  it("unknown-key: a kid that belongs to another panel than the topic's", () => {
    const f = sealUplink(alarm({ panel: "panel-b" }), { kid: "kB", key: keyB });
    expect(code(() => openUplink(f, ring, { topicPanel: "panel-a" }))).toBe("unknown-key");
  });
  it("wrong-panel: panel B's key signing a payload that claims panel A", () => {
    const f = sealUplink(alarm({ panel: "panel-a" }), { kid: "kB", key: keyB });
    expect(code(() => openUplink(f, ring))).toBe("wrong-panel");
  });
  it("bad-signature: signed by another key than the kid's", () => {
    expect(code(() => openUplink(rawFrame(wirePayload(goodWire), { kid: "kA", key: keyB }), ring))).toBe("bad-signature");
  });
  it("encoding refuses an invalid payload with the field path", () => {
    expect(() => sealUplink(alarm({ events: [{ code: 130, q: 1, area: 1, at: T }] }), { kid: "kA", key: keyA })).toThrow(/zone/);
    expect(code(() => sealUplink(alarm({ panel: "a/b" }), { kid: "kA", key: keyA }))).toBe("malformed");
  });
});

describe("DC-09 time window: -40 s / +20 s of the receiver's clock", () => {
  const f = sealUplink(alarm(), { kid: "kA", key: keyA });
  it("accepts at exactly 40,000 ms old, refuses at 40,001 ms", () => {
    expect(openUplink(f, ring, { now: T + 40_000 }).payload.seq).toBe(1);
    expect(code(() => openUplink(f, ring, { now: T + 40_001 }))).toBe("stale");
  });
  it("accepts at exactly 20,000 ms ahead, refuses at 20,001 ms", () => {
    expect(openUplink(f, ring, { now: T - 20_000 }).payload.seq).toBe(1);
    expect(code(() => openUplink(f, ring, { now: T - 20_001 }))).toBe("stale");
  });
  it("a stale refusal carries the receiver's time and the frame's panel and seq, for the NAK", () => {
    try {
      openUplink(f, ring, { now: T + 60_000 });
    } catch (e) {
      expect((e as ProtocolError).detail).toMatchObject({ receiverTime: T + 60_000, skew: -60_000, panel: "panel-a", seq: 1 });
      return;
    }
    throw new Error("accepted");
  });
  it("the window is configurable", () => {
    expect(code(() => openUplink(f, ring, { now: T + 5_001, window: { pastMs: 5_000, futureMs: 0 } }))).toBe("stale");
  });
});

describe("downlink frames: only the pinned centre key, only for this panel", () => {
  const centre = generateEd25519();
  const centreKey = privateKeyFromPem(centre.privatePem);
  const pinned = { kid: "centre", key: publicKeyFromPem(centre.publicPem) };
  const ack: DownlinkPayload = { v: 1, panel: "panel-a", sent: T, ack: { seqs: [1], refs: ["0123456789abcdef"] } };
  it("accepts an ACK signed by the centre", () => {
    expect(openDownlink(sealDownlink(ack, { kid: "centre", key: centreKey }), { centre: pinned, panel: "panel-a" })).toEqual(ack);
  });
  it("refuses a frame signed by another key under the centre's kid", () => {
    expect(code(() => openDownlink(sealDownlink(ack, { kid: "centre", key: keyA }), { centre: pinned, panel: "panel-a" }))).toBe("bad-signature");
  });
  it("refuses a frame under another kid", () => {
    expect(code(() => openDownlink(sealDownlink(ack, { kid: "other", key: centreKey }), { centre: pinned, panel: "panel-a" }))).toBe("unknown-key");
  });
  it("refuses a frame for another panel", () => {
    expect(code(() => openDownlink(sealDownlink(ack, { kid: "centre", key: centreKey }), { centre: pinned, panel: "panel-b" }))).toBe("wrong-panel");
  });
  it("refuses an unknown command type", () => {
    expect(code(() => sealDownlink({ ...ack, ack: undefined, cmd: { id: "x", exp: T, type: "self-destruct" } } as never, { kid: "centre", key: centreKey }))).toBe("malformed");
  });
});
