/**
 * Sig_structure (RFC 9052 §4.4) is written byte by byte (cose.ts), since every frame signed or verified
 * builds one: it must be exactly the deterministic CBOR encoding (RFC 8949 §4.2.1) of
 * ["Signature1", protected, h'', payload], on both sides of each byte-string length boundary
 * (23/24 bytes: the length moves out of the head; 255/256; 65,535/65,536).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeCanonical, sigStructure } from "../../protocol/index.js";
import { sigStructureBytes } from "./mini-cbor.js";

const byCodec = (p: Uint8Array, m: Uint8Array) => Buffer.from(encodeCanonical(["Signature1", p, new Uint8Array(0), m]));

describe("sigStructure", () => {
  it("equals the canonical encoding of the Sig_structure array, for any protected header and payload (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 600 }), (p, m) => {
        const got = Buffer.from(sigStructure(p, m));
        expect(got.equals(byCodec(p, m))).toBe(true);
        expect(got.equals(sigStructureBytes(p, m))).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it.each([0, 23, 24, 255, 256, 65_535, 65_536])("at a payload of %i bytes", (n) => {
    const p = Uint8Array.from([0xa2, 0x01, 0x27, 0x04, 0x41, 0x6b]);
    const m = new Uint8Array(n).fill(7);
    expect(Buffer.from(sigStructure(p, m)).equals(byCodec(p, m))).toBe(true);
    expect(Buffer.from(sigStructure(m, p)).equals(byCodec(m, p))).toBe(true);
  });

  it("known answer: an empty protected header and payload", () => {
    expect(Buffer.from(sigStructure(new Uint8Array(0), new Uint8Array(0))).toString("hex")).toBe("846a5369676e61747572653140" + "40" + "40");
  });
});
