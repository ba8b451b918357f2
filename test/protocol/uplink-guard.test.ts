/**
 * The hand-written uplink check (uplink-guard.ts) gives the zod schema's verdict for every input: valid
 * payloads, each of them with one field changed, removed or added, and the bounds one by one. Where both
 * accept, the payload decodeUplinkPayload returns is the one zod would have returned; where the guard
 * refuses, zod's message still names the field.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Cid, UplinkPayload, decodeUplinkPayload, encodeUplinkPayload, isProtocolError } from "../../protocol/index.js";
import { encodeCanonical } from "../../protocol/cbor.js";
import { isUplinkPayload } from "../../protocol/uplink-guard.js";
import { batchPayload, uplinkPayload } from "./arbitraries.js";
import { mutated } from "./mutate.js";

const oneChanged = mutated(fc.oneof(uplinkPayload, batchPayload), ["x", "events", "heartbeat", "result", "zone", "user", "error", "v"]);

function agrees(v: unknown): void {
  const z = UplinkPayload.safeParse(v);
  expect(isUplinkPayload(v)).toBe(z.success);
  if (z.success) expect(JSON.stringify(v)).toBe(JSON.stringify(z.data));
}

describe("isUplinkPayload agrees with the UplinkPayload schema", () => {
  it("accepts every valid payload, with the value zod returns (property)", () => {
    fc.assert(
      fc.property(uplinkPayload, (p) => {
        expect(isUplinkPayload(p)).toBe(true);
        agrees(p);
      }),
      { numRuns: 2_000 },
    );
  });

  it("accepts every valid batch payload (several events, their seqs), with the value zod returns (property)", () => {
    fc.assert(
      fc.property(batchPayload, (p) => {
        expect(isUplinkPayload(p)).toBe(true);
        agrees(p);
      }),
      { numRuns: 500 },
    );
  });

  it("for every valid payload with one field changed, removed or added (property)", () => {
    fc.assert(fc.property(oneChanged, agrees), { numRuns: 10_000 });
  });

  it("on both sides of each bound, and for non-payloads", () => {
    const head = { v: 1, panel: "P1", seq: 0, sent: 0 };
    const ev = { code: Cid.Burglary, q: 1, area: 1, zone: 3, at: 0 };
    const hb = { areas: [{ area: 255, mode: "away" }], troubles: [301], outbox: 0 };
    const events = (n: number) => Array.from({ length: n }, () => ev);
    const cases: [unknown, boolean][] = [
      [{ ...head, events: events(1) }, true],
      [{ ...head, events: events(16) }, true],
      [{ ...head, events: events(0) }, false],
      [{ ...head, events: events(17) }, false],
      [{ ...head, panel: "x".repeat(32), events: events(1) }, true],
      [{ ...head, panel: "x".repeat(33), events: events(1) }, false],
      [{ ...head, panel: "", events: events(1) }, false],
      [{ ...head, seq: Number.MAX_SAFE_INTEGER, events: events(1) }, true],
      [{ ...head, seq: -1, events: events(1) }, false],
      [{ ...head, sent: 1.5, events: events(1) }, false],
      [{ ...head, v: 2, events: events(1) }, false],
      [{ ...head, heartbeat: hb }, true],
      [{ ...head, heartbeat: { ...hb, areas: Array.from({ length: 32 }, () => hb.areas[0]) } }, true],
      [{ ...head, heartbeat: { ...hb, areas: Array.from({ length: 33 }, () => hb.areas[0]) } }, false],
      [{ ...head, heartbeat: { ...hb, areas: [{ area: 256, mode: "away" }] } }, false],
      [{ ...head, heartbeat: { ...hb, troubles: [1] } }, false],
      [{ ...head, heartbeat: { ...hb, troubles: Array.from({ length: 33 }, () => 301) } }, false],
      [{ ...head, result: { id: "c".repeat(64), ok: true } }, true],
      [{ ...head, result: { id: "c".repeat(65), ok: true } }, false],
      [{ ...head, result: { id: "", ok: true } }, false],
      [{ ...head, result: { id: "c", ok: false, error: "open-zones" } }, true],
      [{ ...head, result: { id: "c", ok: false, error: "nope" } }, false],
      [{ ...head, events: events(1), heartbeat: hb }, false],
      // batch frames (event-batch.ts): seqs bounds and the rules between seqs and events
      [{ ...head, events: events(2), seqs: [0, 1] }, true],
      [{ ...head, events: events(128), seqs: Array.from({ length: 128 }, (_, i) => i * 2) }, true],
      [{ ...head, events: events(129), seqs: Array.from({ length: 129 }, (_, i) => i) }, false],
      [{ ...head, events: events(17) }, false],
      [{ ...head, events: events(1), seqs: [0] }, false],
      [{ ...head, events: events(2), seqs: [0, 1, 2] }, false],
      [{ ...head, events: events(2), seqs: [1, 2] }, false],
      [{ ...head, events: events(2), seqs: [0, 0] }, false],
      [{ ...head, events: events(2), seqs: [0, 1.5] }, false],
      [{ ...head, events: events(2), seqs: [0, -1] }, false],
      [{ ...head, events: events(2), seqs: "0,1" }, false],
      [{ ...head, events: [ev, { code: Cid.AcLoss, q: 1, area: 0, zone: 0, at: 0 }], seqs: [0, 1] }, false],
      [{ ...head, heartbeat: hb, seqs: [0, 1] }, false],
      [head, false],
      [null, false],
      [[], false],
      [new Map(), false],
      ["payload", false],
    ];
    expect(cases.map(([c]) => isUplinkPayload(c))).toEqual(cases.map(([, want]) => want));
    for (const [c] of cases) agrees(c);
  });
});

describe("decodeUplinkPayload with the guard in front of zod", () => {
  it("returns what zod returned for every valid payload (property)", () => {
    fc.assert(
      fc.property(uplinkPayload, (p) => {
        const got = decodeUplinkPayload(encodeUplinkPayload(p));
        expect(JSON.stringify(got)).toBe(JSON.stringify(UplinkPayload.parse(got)));
        expect(got).toEqual(UplinkPayload.parse(p));
      }),
      { numRuns: 1_000 },
    );
  });

  it("still names the refused field in zod's words: an event area of 256 on the wire", () => {
    const wire = new Map<number, unknown>([[0, 1], [1, "P1"], [2, 0], [3, 1000], [4, [[Cid.Burglary, 1, 256, 3, 0]]]]);
    let thrown: unknown;
    try {
      decodeUplinkPayload(encodeCanonical(wire as never));
    } catch (e) {
      thrown = e;
    }
    expect(isProtocolError(thrown) && thrown.code === "malformed").toBe(true);
    expect((thrown as Error).message).toMatch(/uplink payload: .*events\[0\]\.area/);
  });
});
