/**
 * The ACK payload writer (ack-writer.ts) gives the general deterministic encoder's bytes
 * (encodeCanonical of {0: v, 1: panel, 2: sent, 3: [[seq, ref], ...]}) for every valid ACK, heads of every
 * length included, and the decoder reads them back as the same payload.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ACK_MAX_FRAMES, decodeDownlinkPayload } from "../../protocol/index.js";
import { writeAckPayload } from "../../protocol/ack-writer.js";
import { encodeCanonical, type CborValue } from "../../protocol/cbor.js";
import { ackPayload } from "./arbitraries.js";

/** Integers around every head-length boundary of RFC 8949 §3.1, and any safe integer. */
const uint = fc.oneof(
  fc.constantFrom(0, 23, 24, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER),
  fc.nat({ max: 70_000 }),
  fc.maxSafeNat(),
);
const ack = ackPayload(uint);

function general(p: { v: number; panel: string; sent: number; ack: { seqs: number[]; refs: string[] } }): Uint8Array {
  const pairs: CborValue[] = p.ack.seqs.map((s, i) => [s, Uint8Array.from(Buffer.from(p.ack.refs[i]!, "hex"))]);
  return encodeCanonical(new Map<number, CborValue>([[0, p.v], [1, p.panel], [2, p.sent], [3, pairs]]));
}

describe("writeAckPayload", () => {
  it("writes the general encoder's bytes for every valid ACK, and they decode to it (property)", () => {
    fc.assert(
      fc.property(ack, (a) => {
        const bytes = writeAckPayload(a);
        expect(Buffer.from(bytes).toString("hex")).toBe(Buffer.from(general(a)).toString("hex"));
        expect(decodeDownlinkPayload(bytes)).toEqual(a);
      }),
      { numRuns: 2_000 },
    );
  });

  it("an ACK of the most frames the contract allows (a two-byte array head)", () => {
    const a = { v: 1 as const, panel: "P-1", sent: 1_767_225_600_000, ack: { seqs: Array.from({ length: ACK_MAX_FRAMES }, (_, i) => i * 1000), refs: Array.from({ length: ACK_MAX_FRAMES }, () => "0123456789abcdef") } };
    expect(writeAckPayload(a)).toEqual(general(a));
  });
});
