/** The stable code a decoder rejects with, for tests that pin down each rejection. */
import { ProtocolError, type ProtocolErrorCode } from "../../protocol/index.js";

/** Runs `f` and returns the ProtocolError code it throws; any other error passes through, and acceptance is an error. */
export function rejectionCode(f: () => unknown): ProtocolErrorCode {
  try {
    f();
  } catch (e) {
    if (e instanceof ProtocolError) return e.code;
    throw e;
  }
  throw new Error("accepted");
}
