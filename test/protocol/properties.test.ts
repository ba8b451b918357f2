import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MapKeyRing,
  ProtocolError,
  decodeCanonical,
  generateEd25519,
  openUplink,
  privateKeyFromPem,
  publicKeyFromPem,
  sealUplink,
} from "../../protocol/index.js";
import { uplinkPayload } from "./arbitraries.js";

const kp = generateEd25519();
const key = privateKeyFromPem(kp.privatePem);
const pub = publicKeyFromPem(kp.publicPem);

/** Every panel id the arbitraries produce is registered with the same key under kid "k". */
const anyPanelRing = (panel: string) => new MapKeyRing().add("k", panel, pub);

function expectProtocolError(f: () => unknown): ProtocolError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    return e as ProtocolError;
  }
  throw new Error("expected a rejection, but the frame was accepted");
}

describe("protocol v1 properties (fast-check)", () => {
  it("every valid payload round-trips through seal and open unchanged", () => {
    fc.assert(
      fc.property(uplinkPayload, (p) => {
        const frame = sealUplink(p, { kid: "k", key });
        expect(openUplink(frame, anyPanelRing(p.panel), { topicPanel: p.panel }).payload).toEqual(p);
      }),
      { numRuns: 300 },
    );
  });

  it("every single-byte change to a valid frame is rejected with a typed error", () => {
    fc.assert(
      fc.property(uplinkPayload, fc.nat(), fc.integer({ min: 1, max: 255 }), (p, at, xor) => {
        const frame = sealUplink(p, { kid: "k", key });
        const bad = Uint8Array.from(frame);
        const i = at % bad.length;
        bad[i] = bad[i]! ^ xor;
        expectProtocolError(() => openUplink(bad, anyPanelRing(p.panel), { topicPanel: p.panel }));
      }),
      { numRuns: 1000 },
    );
  });

  it("exhaustively: each position of an alarm frame, each of the 255 other byte values, is rejected", () => {
    const p = { v: 1 as const, panel: "p1", seq: 5, sent: 1_795_667_400_000, events: [{ code: 130, q: 1 as const, area: 1, zone: 3, at: 1_795_667_399_000 }] };
    const frame = sealUplink(p, { kid: "k", key });
    const ring = anyPanelRing("p1");
    const codes = new Set<string>();
    for (let i = 0; i < frame.length; i++) {
      for (let x = 1; x < 256; x++) {
        const bad = Uint8Array.from(frame);
        bad[i] = bad[i]! ^ x;
        codes.add(expectProtocolError(() => openUplink(bad, ring)).code);
      }
    }
    expect([...codes].sort()).toEqual(expect.arrayContaining(["bad-signature", "malformed"]));
  });

  it("random bytes never crash the decoder: they are accepted or refused with a ProtocolError", () => {
    const ring = anyPanelRing("p1");
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          openUplink(bytes, ring);
          decodeCanonical(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("random bytes after a valid tag-18 prefix never crash the decoder", () => {
    const ring = anyPanelRing("p1");
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => {
        const bytes = Uint8Array.from([0xd2, 0x84, ...tail]);
        expect(() => openUplink(bytes, ring)).toThrow(ProtocolError);
      }),
      { numRuns: 3000 },
    );
  });
});
