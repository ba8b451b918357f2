/** The ProtocolError code a call throws, for tests that expect either a rejection or an acceptance. */
import { isProtocolError } from "../../protocol/index.js";

/** Runs `f`: undefined when it returns, the code of the ProtocolError it throws, "untyped" for any other error. */
export function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isProtocolError(e) ? e.code : "untyped";
  }
  return undefined;
}
