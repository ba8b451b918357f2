/** A frame's ref: the first 8 bytes of SHA-256 over the frame, as hex (known answers from FIPS 180-2). */
import { describe, expect, it } from "vitest";
import { frameRef } from "../../protocol/index.js";

describe("frameRef", () => {
  it("is SHA-256's first 8 bytes: known answers for 'abc' and the empty frame", () => {
    expect(frameRef(new TextEncoder().encode("abc"))).toBe("ba7816bf8f01cfea");
    expect(frameRef(new Uint8Array(0))).toBe("e3b0c44298fc1c14");
  });

  it("reads only the view it is given, not the rest of its buffer", () => {
    const whole = new TextEncoder().encode("xxabcxx");
    expect(frameRef(whole.subarray(2, 5))).toBe("ba7816bf8f01cfea");
  });
});
