/**
 * Same content (EN 50136-1 6.3: a reused sequence number must not be taken for a resend and its alarm
 * lost): a resend is the same events whatever its `sent`, its `seqs` and its key order; other events under
 * the number are not. The canonical form behind sameContent and contentTag is written for speed; a
 * property test holds it equal to the plain form (sorted keys through JSON.stringify) for any JSON value.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { UplinkPayload } from "../../protocol/index.js";
import { contentTag, sameContent } from "../../simulator/centre/store/same-content.js";

const T0 = Date.UTC(2026, 0, 1);
const alarm = (zone: number, sent = T0): UplinkPayload => ({ v: 1, panel: "P1", seq: 7, sent, events: [{ code: 130, q: 1, area: 1, zone, at: T0 }] });

/** The plain canonical form: what the fast one must equal. */
function plain(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(plain).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${plain(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

function plainKey(p: unknown): string {
  if (p === null || typeof p !== "object") return plain(p);
  const { sent: _s, seqs: _q, ...rest } = p as Record<string, unknown>;
  return plain(rest);
}

function plainTag(p: unknown): number {
  const key = plainKey(p);
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

describe("same content", () => {
  it("a resend with another sent, seqs or key order is the same content, stored as JSON or as an object", () => {
    const stored = alarm(3);
    const resend = { events: [{ at: T0, zone: 3, area: 1, q: 1, code: 130 }], seq: 7, panel: "P1", v: 1, sent: T0 + 5_000, seqs: [7] } as unknown as UplinkPayload;
    expect(sameContent(JSON.stringify(stored), resend)).toBe(true);
    expect(sameContent(stored, resend)).toBe(true);
    expect(contentTag(resend)).toBe(contentTag(stored));
  });

  it("another zone, qualifier or event time under the same number is other content", () => {
    const stored = JSON.stringify(alarm(3));
    expect(sameContent(stored, alarm(4))).toBe(false);
    expect(sameContent(stored, { ...alarm(3), events: [{ code: 130, q: 3, area: 1, zone: 3, at: T0 }] })).toBe(false);
    expect(sameContent(stored, { ...alarm(3), events: [{ code: 130, q: 1, area: 1, zone: 3, at: T0 + 1 }] })).toBe(false);
  });

  it("`sent` and `seqs` are left out only at the top: inside an event they count", () => {
    const a = { v: 1, panel: "P1", seq: 7, sent: T0, events: [{ code: 130, q: 1, area: 1, zone: 3, at: T0, sent: 1 }] } as unknown as UplinkPayload;
    const b = { v: 1, panel: "P1", seq: 7, sent: T0, events: [{ code: 130, q: 1, area: 1, zone: 3, at: T0, sent: 2 }] } as unknown as UplinkPayload;
    expect(sameContent(a, b)).toBe(false);
  });

  it("a stored row that is not JSON is not the same content", () => {
    expect(sameContent("{not json", alarm(3))).toBe(false);
  });

  it("the fast canonical form equals the plain one for any JSON value, at the top and nested", () => {
    const value = fc.jsonValue();
    const payloadLike = fc.dictionary(fc.oneof(fc.constantFrom("sent", "seqs", "v", "events", "__proto__", "a\u00e9\"\n"), fc.string()), value);
    fc.assert(
      fc.property(fc.oneof(value, payloadLike), (p) => {
        expect(contentTag(p as UplinkPayload)).toBe(plainTag(p));
        expect(sameContent(JSON.stringify(p), p as UplinkPayload)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it("numbers, booleans, null and undefined members are written as JSON writes them", () => {
    for (const p of [{ a: -0, b: 1e21, c: 0.1, d: true, e: null, f: undefined, g: [undefined, NaN, Infinity] }, [1, { sent: 2 }], "x", 3, null]) {
      expect(contentTag(p as unknown as UplinkPayload)).toBe(plainTag(p));
    }
  });
});
