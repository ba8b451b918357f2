/**
 * The receiver's replay-window tag (store/same-content.ts contentTag) is FNV-1a over contentKey's text,
 * walked instead of built: the same number for every payload, so a resend (same content, other `sent`)
 * still tags as a duplicate and a reused seq with other content as new (EN 50136-1 6.3: no alarm message
 * taken for a duplicate it is not).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { UplinkPayload } from "../../protocol/index.js";
import { contentKey, contentTag } from "../../simulator/centre/store/same-content.js";
import { batchPayload, uplinkPayload } from "../protocol/arbitraries.js";

function fnvOfText(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

describe("contentTag: FNV-1a of the content key, walked", () => {
  it("equals the digest of contentKey's text for every payload, single events, batches, heartbeats and results", () => {
    fc.assert(fc.property(fc.oneof(uplinkPayload, batchPayload), (p) => {
      expect(contentTag(p)).toBe(fnvOfText(contentKey(p)));
    }), { numRuns: 3000 });
  });

  it("ignores sent and seqs, and key order; not the events", () => {
    const p: UplinkPayload = { v: 1, panel: "p1", seq: 4, sent: 1000, events: [{ code: 130, q: 1, area: 1, zone: 3, at: 900 }] };
    const resent = { sent: 2000, seq: 4, panel: "p1", v: 1, events: [{ at: 900, zone: 3, area: 1, q: 1, code: 130 }] } as UplinkPayload;
    expect(contentTag(resent)).toBe(contentTag(p));
    expect(contentTag({ ...p, events: [{ code: 130, q: 1, area: 1, zone: 4, at: 900 }] })).not.toBe(contentTag(p));
    expect(contentTag({ ...p, seqs: [4, 5] } as UplinkPayload)).toBe(contentTag(p));
  });

  it("text with quotes and non-ASCII characters is fed as JSON writes it", () => {
    const p = { v: 1, panel: "p1", seq: 1, sent: 2, result: { id: 'a"b\\c\u00e9\u2028', ok: false } } as UplinkPayload;
    expect(contentTag(p)).toBe(fnvOfText(contentKey(p)));
  });

  it("numbers are fed as String writes them: negative, zero and minus zero, the largest safe integer, fractions", () => {
    for (const n of [-1, -987654321, 0, -0, 7, 10, 1_795_667_400_000, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0.5, 2 ** 60, NaN]) {
      const p = { v: 1, panel: "p1", seq: 1, sent: 2, heartbeat: { areas: [], troubles: [n], outbox: n } } as unknown as UplinkPayload;
      expect(contentTag(p)).toBe(fnvOfText(contentKey(p)));
    }
  });
});
