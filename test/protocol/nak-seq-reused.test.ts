/**
 * The `seq-reused` NAK on the wire (protocol/schema.ts, downlink.ts): it, and only it, carries `next`,
 * the fifth element of the NAK array; every other NAK keeps its three-element form.
 */
import { describe, expect, it } from "vitest";
import { decodeDownlinkPayload, encodeDownlinkPayload } from "../../protocol/index.js";
import { decodeCanonical, encodeCanonical } from "../../protocol/cbor.js";
import { codeOf } from "./code-of.js";

const head = { v: 1, panel: "p1", sent: 1_700_000_000_000 } as const;
const ref = "0123456789abcdef";

describe("NAK seq-reused carries next", () => {
  it("round-trips with next; a stale NAK round-trips without it", () => {
    const reused = { ...head, nak: { seq: 4, reason: "seq-reused" as const, ref, next: 812 } };
    expect(decodeDownlinkPayload(encodeDownlinkPayload(reused))).toEqual(reused);
    const stale = { ...head, nak: { seq: 4, reason: "stale" as const, ref } };
    expect(decodeDownlinkPayload(encodeDownlinkPayload(stale))).toEqual(stale);
  });

  it("seq-reused without next, or next on another reason: refused with a typed error", () => {
    expect(codeOf(() => encodeDownlinkPayload({ ...head, nak: { seq: 4, reason: "seq-reused", ref } }))).toBe("malformed");
    expect(codeOf(() => encodeDownlinkPayload({ ...head, nak: { seq: 4, reason: "stale", ref, next: 9 } }))).toBe("malformed");
  });

  it("a decoded NAK array of 5 elements, or a 4th element on a stale NAK, is malformed", () => {
    const bytes = encodeDownlinkPayload({ ...head, nak: { seq: 4, reason: "seq-reused", ref, next: 812 } });
    const m = decodeCanonical(bytes) as Map<number, unknown>;
    const nak = m.get(4) as unknown[];
    const withNak = (n: unknown[]) => encodeCanonical(new Map([...m, [4, n]]) as never);
    expect(codeOf(() => decodeDownlinkPayload(withNak([...nak, 1])))).toBe("malformed");
    expect(codeOf(() => decodeDownlinkPayload(withNak([nak[0], "stale", nak[2], 812])))).toBe("malformed");
  });
});
