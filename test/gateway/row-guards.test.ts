/**
 * The hand-written checks on the outbox's read path (event-guard.ts, checkItemRow) give the same verdict
 * as the zod schemas they stand in for, for every input: a row the schema refuses is still store-corrupt.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Cid, EVENTS, Event, Qualifier } from "../../protocol/index.js";
import { isEvent } from "../../protocol/event-guard.js";
import { isGatewayError } from "../../gateway/errors.js";
import { checkItemRow, ItemRow } from "../../gateway/store-rows.js";

const anyNumber = fc.oneof(
  fc.integer({ min: -2, max: 1200 }),
  fc.constantFrom(0, 255, 256, 999, 1000, 1.5, -0, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2),
  fc.double(),
);
const anyValue = fc.oneof(anyNumber, fc.string({ maxLength: 3 }), fc.constant(null), fc.constant(undefined), fc.boolean(), fc.constant([]));
const code = fc.oneof(fc.constantFrom(...EVENTS.map((d) => d.code)), anyNumber, anyValue);

const eventLike = fc.record(
  {
    code,
    q: fc.oneof(fc.constantFrom(1, 3, 6, 0, 2, "1"), anyValue),
    area: fc.oneof(fc.integer({ min: -1, max: 256 }), anyValue),
    zone: fc.oneof(fc.integer({ min: -1, max: 1000 }), anyValue),
    user: fc.oneof(fc.integer({ min: -1, max: 1000 }), anyValue),
    at: fc.oneof(fc.integer({ min: -1, max: 2 ** 45 }), anyValue),
    extra: anyValue,
  },
  { requiredKeys: [] },
);

describe("isEvent agrees with the Event schema", () => {
  it("for every object built of plausible and implausible fields (property)", () => {
    fc.assert(
      fc.property(eventLike, (v) => {
        expect(isEvent(v)).toBe(Event.safeParse(v).success);
      }),
      { numRuns: 5_000 },
    );
  });

  it("on both sides of each bound, and for non-objects", () => {
    const ok = { code: Cid.Burglary, q: Qualifier.New, area: 255, zone: 999, at: 0 };
    const cases: unknown[] = [
      ok,
      { ...ok, area: 256 },
      { ...ok, zone: 1000 },
      { ...ok, zone: undefined },
      { ...ok, user: 1 },
      { ...ok, at: -1 },
      { code: Cid.OpenClose, q: Qualifier.Restore, area: 0, user: 999, at: 1 },
      { code: Cid.OpenClose, q: Qualifier.Restore, area: 0, user: 1000, at: 1 },
      { code: 1, q: 1, area: 0, at: 0 },
      null,
      [],
      "event",
      42,
    ];
    const verdicts = cases.map((c) => isEvent(c));
    expect(verdicts).toEqual(cases.map((c) => Event.safeParse(c).success));
    expect(verdicts).toEqual([true, false, false, false, false, false, true, false, false, false, false, false, false]);
  });
});

describe("checkItemRow agrees with the ItemRow schema", () => {
  const rowLike = fc.record(
    {
      seq: fc.oneof(fc.integer({ min: -1, max: 2 ** 40 }), anyValue),
      prio: fc.oneof(fc.integer({ min: -1, max: 4 }), anyValue),
      kind: fc.oneof(fc.integer({ min: -1, max: 3 }), anyValue),
      body: fc.oneof(fc.string({ maxLength: 4 }), anyValue),
      queued: fc.oneof(fc.integer(), anyValue),
    },
    { requiredKeys: [] },
  );

  it("returns the row where the schema accepts it and throws store-corrupt naming items where it does not (property)", () => {
    fc.assert(
      fc.property(rowLike, (row) => {
        const schema = ItemRow.safeParse(row);
        let thrown: unknown;
        let got: unknown;
        try {
          got = checkItemRow(row);
        } catch (e) {
          thrown = e;
        }
        if (schema.success) expect(got).toEqual(schema.data);
        else expect(isGatewayError(thrown) && thrown.code === "store-corrupt" && thrown.message.includes("table items: ")).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });
});
