/** Encoded valid uplink payloads, single events and batches, for the decoder's equivalence tests. */
import fc from "fast-check";
import { encodeUplinkPayload } from "../../protocol/index.js";
import { batchPayload, uplinkPayload } from "./arbitraries.js";

export const arbitraryPayloads: fc.Arbitrary<Uint8Array> = fc.oneof({ weight: 4, arbitrary: uplinkPayload }, { weight: 1, arbitrary: batchPayload }).map(encodeUplinkPayload);
