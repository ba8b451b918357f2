/**
 * The hand-written ACK check (ack-guard.ts) gives the zod schema's verdict (DownlinkPayload) for valid
 * ACKs, each with one field changed, removed or added, and the bounds one by one; an ACK it refuses still
 * gets zod's verdict and message from encodeDownlinkPayload.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ACK_MAX_FRAMES, DownlinkPayload, decodeDownlinkPayload, encodeDownlinkPayload, isProtocolError } from "../../protocol/index.js";
import { isAckPayload } from "../../protocol/ack-guard.js";
import { ackPayload } from "./arbitraries.js";
import { mutated } from "./mutate.js";

const ack = ackPayload(fc.maxSafeNat());

const oneChanged = mutated(ack, ["x", "nak", "cmd", "seqs", "v"]);

function agrees(v: unknown): void {
  const z = DownlinkPayload.safeParse(v);
  // The guard speaks for ACKs only: it refuses a valid NAK or command, which then goes through zod.
  const isAck = z.success && "ack" in z.data;
  expect(isAckPayload(v)).toBe(isAck);
  if (isAck) expect(JSON.stringify(v)).toBe(JSON.stringify(z.data));
}

describe("isAckPayload agrees with the DownlinkPayload schema", () => {
  it("accepts every valid ACK (property)", () => {
    fc.assert(
      fc.property(ack, (a) => {
        expect(isAckPayload(a)).toBe(true);
        agrees(a);
      }),
      { numRuns: 500 },
    );
  });

  it("for every valid ACK with one field changed, removed or added (property)", () => {
    fc.assert(fc.property(oneChanged, agrees), { numRuns: 5_000 });
  });

  it("on both sides of each bound", () => {
    const r = "0123456789abcdef";
    const of = (n: number, extra: object = {}) => ({ v: 1, panel: "P1", sent: 0, ack: { seqs: Array.from({ length: n }, (_, i) => i), refs: Array.from({ length: n }, () => r) }, ...extra });
    const cases: [unknown, boolean][] = [
      [of(1), true],
      [of(ACK_MAX_FRAMES), true],
      [of(ACK_MAX_FRAMES + 1), false],
      [of(0), false],
      [{ ...of(2), ack: { seqs: [1, 2], refs: [r] } }, false],
      [{ ...of(1), ack: { seqs: [-1], refs: [r] } }, false],
      [{ ...of(1), ack: { seqs: [1], refs: ["0123456789ABCDEF"] } }, false],
      [{ ...of(1), ack: { seqs: [1], refs: ["0123456789abcde"] } }, false],
      [of(1, { sent: -1 }), false],
      [of(1, { panel: "a/b" }), false],
      [of(1, { v: 2 }), false],
      [of(1, { nak: { seq: 1, reason: "stale", ref: r } }), false],
      [{ v: 1, panel: "P1", sent: 0, nak: { seq: 1, reason: "stale", ref: r } }, false],
      [null, false],
    ];
    expect(cases.map(([c]) => isAckPayload(c))).toEqual(cases.map(([, want]) => want));
    for (const [c] of cases) agrees(c);
  });

  it("encodeDownlinkPayload: an ACK round-trips; a refused one is zod's malformed, naming the field", () => {
    const a = { v: 1 as const, panel: "P1", sent: 5, ack: { seqs: [3, 4], refs: ["0123456789abcdef", "fedcba9876543210"] } };
    expect(decodeDownlinkPayload(encodeDownlinkPayload(a))).toEqual(a);
    let thrown: unknown;
    try {
      encodeDownlinkPayload({ ...a, ack: { seqs: [3, 4], refs: ["0123456789abcdef"] } });
    } catch (e) {
      thrown = e;
    }
    expect(isProtocolError(thrown) && thrown.code === "malformed" && thrown.message.includes("one ref per seq")).toBe(true);
  });
});
