import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  BATCH_MAX_EVENTS,
  MAX_FRAME_BYTES,
  MAX_KID_BYTES,
  MapKeyRing,
  UNBATCHED_MAX_EVENTS,
  decodeUplinkPayload,
  encodeCanonical,
  encodeUplinkPayload,
  generateEd25519,
  openUplink,
  privateKeyFromPem,
  publicKeyFromPem,
  sealUplink,
  type CborValue,
  type Event,
  type UplinkPayload,
} from "../../protocol/index.js";
import { rawEnvelope } from "./raw-envelope.js";
import { rejectionCode as code } from "./rejection-code.js";

const keys = generateEd25519();
const key = privateKeyFromPem(keys.privatePem);
const ring = new MapKeyRing().add("kA", "panel-a", publicKeyFromPem(keys.publicPem));
const T = 1_795_667_400_000;
const oc = (user: number): Event => ({ code: 401, q: 3, area: 1, user, at: T - 1000 });
const batch = (seqs: number[], events: Event[] = seqs.map((_, i) => oc(i + 1)), seq = seqs[0]!): UplinkPayload => ({ v: 1, panel: "panel-a", seq, sent: T, events, seqs });
const seal = (p: UplinkPayload) => sealUplink(p, { kid: "kA", key });
const eventsOf = (p: UplinkPayload) => ("events" in p ? p.events : []);

describe("batch frames (protocol/event-batch.ts): key 7 lists one seq per event", () => {
  it("round trip: a batch frame opens to the payload it was sealed from, seqs included", () => {
    const p = batch([10, 11, 14, 20]);
    expect(openUplink(seal(p), ring, { topicPanel: "panel-a" }).payload).toEqual(p);
    expect(decodeUplinkPayload(encodeUplinkPayload(p))).toEqual(p);
  });

  it("round trip for any rising seqs and events of one class (property)", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 2 ** 40 }), { minLength: 2, maxLength: BATCH_MAX_EVENTS }), (raw) => {
        const seqs = [...raw].sort((a, b) => a - b);
        const p = batch(seqs);
        expect(decodeUplinkPayload(encodeUplinkPayload(p))).toEqual(p);
      }),
      { numRuns: 200 },
    );
  });

  it("seqs need not be contiguous (one counter numbers every class), but must rise strictly", () => {
    expect(code(() => encodeUplinkPayload(batch([5, 7, 6])))).toBe("malformed");
    expect(code(() => encodeUplinkPayload(batch([5, 5, 6])))).toBe("malformed");
    expect(decodeUplinkPayload(encodeUplinkPayload(batch([5, 9, 100]))).seq).toBe(5);
  });

  it("the first seq is the frame's seq", () => {
    expect(code(() => encodeUplinkPayload(batch([5, 6], undefined, 4)))).toBe("malformed");
  });

  it("one seq per event: fewer or more is malformed", () => {
    expect(code(() => encodeUplinkPayload(batch([5, 6, 7], [oc(1), oc(2)])))).toBe("malformed");
    expect(code(() => encodeUplinkPayload(batch([5, 6], [oc(1), oc(2), oc(3)])))).toBe("malformed");
  });

  it(`2 to ${BATCH_MAX_EVENTS} events: 1 seq and ${BATCH_MAX_EVENTS + 1} are malformed, 2 and ${BATCH_MAX_EVENTS} accepted`, () => {
    const range = (n: number) => Array.from({ length: n }, (_, i) => 100 + i);
    expect(code(() => encodeUplinkPayload(batch([5])))).toBe("malformed");
    expect(eventsOf(decodeUplinkPayload(encodeUplinkPayload(batch([5, 6]))))).toHaveLength(2);
    expect(eventsOf(decodeUplinkPayload(encodeUplinkPayload(batch(range(BATCH_MAX_EVENTS)))))).toHaveLength(BATCH_MAX_EVENTS);
    expect(code(() => encodeUplinkPayload(batch(range(BATCH_MAX_EVENTS + 1))))).toBe("malformed");
  });

  it("one priority class per batch: an alarm with an open/close is malformed", () => {
    const burglary: Event = { code: 130, q: 1, area: 1, zone: 2, at: T - 10 };
    expect(code(() => encodeUplinkPayload(batch([5, 6], [burglary, oc(1)])))).toBe("malformed");
    expect(eventsOf(decodeUplinkPayload(encodeUplinkPayload(batch([5, 6], [burglary, { ...burglary, zone: 3 }]))))).toHaveLength(2);
  });

  it(`without key 7 a payload is as before: up to ${UNBATCHED_MAX_EVENTS} events under the one seq, more is malformed`, () => {
    const events = (n: number) => Array.from({ length: n }, (_, i) => oc(i + 1));
    const p = (n: number) => ({ v: 1, panel: "panel-a", seq: 3, sent: T, events: events(n) }) as UplinkPayload;
    expect(decodeUplinkPayload(encodeUplinkPayload(p(UNBATCHED_MAX_EVENTS)))).toEqual(p(UNBATCHED_MAX_EVENTS));
    expect(code(() => encodeUplinkPayload(p(UNBATCHED_MAX_EVENTS + 1)))).toBe("malformed");
  });

  it("key 7 on the wire is checked on decoding too: with a heartbeat, out of order, or not a list of integers", () => {
    const wire = (entries: [number, CborValue][]) => rawEnvelope(encodeCanonical(new Map<number, CborValue>(entries)), key, { kid: "kA" });
    const head: [number, CborValue][] = [[0, 1], [1, "panel-a"], [2, 5], [3, T]];
    const ev = [401, 3, 1, 1, 1000];
    expect(openUplink(wire([...head, [4, [ev, ev]], [7, [5, 6]]]), ring).payload).toMatchObject({ seq: 5, seqs: [5, 6] });
    expect(code(() => openUplink(wire([...head, [4, [ev, ev]], [7, [6, 5]]]), ring))).toBe("malformed");
    expect(code(() => openUplink(wire([...head, [4, [ev, ev]], [7, [5, "6"]]]), ring))).toBe("malformed");
    expect(code(() => openUplink(wire([...head, [4, [ev, ev]], [7, 5]]), ring))).toBe("malformed");
    expect(code(() => openUplink(wire([...head, [5, new Map<number, CborValue>([[0, []], [1, []], [2, 0]])], [7, [5, 6]]]), ring))).toBe("malformed");
  });

  it(`the largest batch of the largest events, panel id and kid stays within ${MAX_FRAME_BYTES} bytes and opens`, () => {
    const big = generateEd25519();
    const kid = "k".repeat(MAX_KID_BYTES);
    const panel = "p".repeat(32);
    const bigRing = new MapKeyRing().add(kid, panel, publicKeyFromPem(big.publicPem));
    const top = Number.MAX_SAFE_INTEGER;
    // Code 130 (zone, 3-digit), area 255, zone 999, occurred at time 0 so the age is the whole `sent`.
    const events: Event[] = Array.from({ length: BATCH_MAX_EVENTS }, () => ({ code: 130, q: 6, area: 255, zone: 999, at: 0 }));
    const seqs = Array.from({ length: BATCH_MAX_EVENTS }, (_, i) => top - BATCH_MAX_EVENTS + 1 + i);
    const p: UplinkPayload = { v: 1, panel, seq: seqs[0]!, sent: top, events, seqs };
    const frame = sealUplink(p, { kid, key: privateKeyFromPem(big.privatePem) });
    expect(frame.length).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    expect(openUplink(frame, bigRing).payload).toEqual(p);
  });
});
