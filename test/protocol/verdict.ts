/** What a parse gives, for property tests that hold a fast reader to its reference: the value, or the refusal's code. */
import { ProtocolError } from "../../protocol/index.js";

export type Verdict<T> = { ok: true; value: T } | { ok: false; code: string };

/** Runs `f`: its value, or the code of the ProtocolError it throws; any other error passes through. */
export function verdict<T>(f: () => T): Verdict<T> {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    return { ok: false, code: e.code };
  }
}
