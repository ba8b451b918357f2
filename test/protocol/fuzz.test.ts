/**
 * Fuzzing the frame decoder and verifier (about 100,000 cases): random bytes, mutations of valid signed
 * frames and structure-aware CBOR never crash openUplink, openDownlink or decodeCanonical, every
 * rejection is a ProtocolError with a known code, and no changed frame is ever accepted. The same
 * properties run ten million cases in `npm run soak`.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ciCases, fuzzProperties } from "./fuzz-properties.js";

describe(`fuzzing the frame decoder and verifier (${ciCases.toLocaleString("en")} cases)`, () => {
  it("runs at least 100,000 cases in CI", () => {
    expect(ciCases).toBeGreaterThanOrEqual(100_000);
  });
  for (const p of fuzzProperties) {
    it(`${p.name} (${p.runs.toLocaleString("en")} cases)`, () => {
      const r = fc.check(p.property, { numRuns: p.runs });
      expect(r.failed, r.failed ? fc.defaultReportMessage(r) : "").toBe(false);
      expect(r.numRuns).toBe(p.runs);
    }, 60_000);
  }
});
