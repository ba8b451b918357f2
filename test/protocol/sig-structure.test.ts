/**
 * Sig_structure (RFC 9052 §4.4) is written byte by byte (cose.ts), since every frame signed or verified
 * builds one: it must be exactly the deterministic CBOR encoding (RFC 8949 §4.2.1) of
 * ["Signature1", protected, h'', payload], on both sides of each byte-string length boundary
 * (23/24 bytes: the length moves out of the head; 255/256; 65,535/65,536).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateKeyPairSync } from "node:crypto";
import { encodeCanonical, parseSign1, sigStructure, signSign1, verifySign1 } from "../../protocol/index.js";
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

describe("verifySign1 writes each Sig_structure into one reused buffer", () => {
  it("a frame verifies after a longer one, and a changed frame after a good one does not (no bytes left over)", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const long = parseSign1(signSign1(new Uint8Array(3000).fill(7), privateKey, "k"));
    const short = parseSign1(signSign1(Uint8Array.of(1, 2, 3), privateKey, "k"));
    expect(() => verifySign1(long, publicKey)).not.toThrow();
    expect(() => verifySign1(short, publicKey)).not.toThrow();
    const changed = { ...long, payload: Uint8Array.from(long.payload, (b, i) => (i === 2999 ? b ^ 1 : b)) };
    expect(() => verifySign1(short, publicKey)).not.toThrow();
    expect(() => verifySign1(changed, publicKey)).toThrow(/bad-signature/);
    expect(() => verifySign1(long, publicKey)).not.toThrow();
  });
});
