/**
 * The keypad's digit buffer (edge, not core). Grammar, one entry per function key:
 *   [AREA *] CODE  away|stay|night|off|auth|program     arm / disarm / authorise installer / program mode
 *   [AREA *] CODE * away|stay|night                      arm overriding the tampers/faults the user may override
 *   ZONE * CODE    bypass                                 bypass a zone
 *   panic | fire                                          keypad alarms, no code
 *   clear                                                 empties the buffer
 * In a master user's program mode (level 2, `manage-users`) the keys mean instead:
 *   USER * NEWCODE away    add user USER with NEWCODE
 *   USER * NEWCODE stay    change user USER's code to NEWCODE
 *   USER off               delete user USER
 *   CODE program           leave program mode
 */
import type { CodeAction } from "./core/panel-input.js";
import { FirmwareError } from "./firmware-error.js";

export const FUNCTION_KEYS = ["away", "stay", "night", "off", "bypass", "auth", "program", "clear", "panic", "fire"] as const;
export type FunctionKey = (typeof FUNCTION_KEYS)[number];
export type Key = "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "*" | FunctionKey;

export function isKey(k: string): k is Key {
  return /^[0-9*]$/.test(k) || (FUNCTION_KEYS as readonly string[]).includes(k);
}

/**
 * What a person types, as text, to keys: digit groups are split into digits, function keys stay whole.
 * "1234 away" -> 1 2 3 4 away. Used by the scenario runner, the demo and the benchmarks.
 */
export function keySequence(text: string): Key[] {
  return text
    .trim()
    .split(/\s+/)
    .filter((tok) => tok !== "")
    .flatMap((tok): Key[] => {
      if (/^[0-9*]+$/.test(tok)) return [...tok] as Key[];
      if (isKey(tok)) return [tok];
      throw new FirmwareError("input-invalid", `not a key: ${JSON.stringify(tok)}`);
    });
}

export type KeypadEntryResult =
  | { readonly kind: "code"; readonly code: string; readonly action: CodeAction; readonly area?: number }
  | { readonly kind: "alarm"; readonly alarm: "panic" | "fire" }
  | { readonly kind: "user-edit"; readonly op: "add" | "change"; readonly user: number; readonly code: string }
  | { readonly kind: "user-edit"; readonly op: "delete"; readonly user: number }
  | { readonly kind: "malformed" };

const MAX_BUFFER = 16;

export class KeypadEntry {
  #buf = "";

  /** Feeds one key; returns a completed entry when a function key ends one. `userProgram`: the panel is in a master user's program mode. */
  press(key: Key, userProgram = false): KeypadEntryResult | undefined {
    if (/^[0-9*]$/.test(key)) {
      if (this.#buf.length < MAX_BUFFER) this.#buf += key;
      return undefined;
    }
    const buf = this.#buf;
    this.#buf = "";
    if (userProgram && key !== "program" && key !== "clear" && key !== "panic" && key !== "fire") return programEntry(buf, key as FunctionKey);
    switch (key as FunctionKey) {
      case "clear":
        return undefined;
      case "panic":
      case "fire":
        return { kind: "alarm", alarm: key as "panic" | "fire" };
      case "bypass": {
        const m = /^(\d{1,3})\*(\d{4,8})$/.exec(buf);
        if (!m) return { kind: "malformed" };
        return { kind: "code", code: m[2] ?? "", action: { kind: "bypass", zone: Number(m[1]) } };
      }
      default: {
        const m = /^(?:(\d{1,3})\*)?(\d{4,8})(\*)?$/.exec(buf);
        if (!m) return { kind: "malformed" };
        let action = actionOf(key as FunctionKey);
        if (m[3] !== undefined) {
          // A trailing * asks to override what prevents setting: meaningful only for an arm.
          if (action.kind !== "arm") return { kind: "malformed" };
          action = { ...action, override: true };
        }
        const code = m[2] ?? "";
        return m[1] === undefined ? { kind: "code", code, action } : { kind: "code", code, action, area: Number(m[1]) };
      }
    }
  }
}

function programEntry(buf: string, key: FunctionKey): KeypadEntryResult {
  if (key === "off") {
    const m = /^(\d{1,3})$/.exec(buf);
    return m ? { kind: "user-edit", op: "delete", user: Number(m[1]) } : { kind: "malformed" };
  }
  if (key !== "away" && key !== "stay") return { kind: "malformed" };
  const m = /^(\d{1,3})\*(\d{4,8})$/.exec(buf);
  if (!m) return { kind: "malformed" };
  return { kind: "user-edit", op: key === "away" ? "add" : "change", user: Number(m[1]), code: m[2] ?? "" };
}

function actionOf(k: FunctionKey): CodeAction {
  switch (k) {
    case "away":
    case "stay":
    case "night":
      return { kind: "arm", mode: k };
    case "auth":
      return { kind: "authorise-installer" };
    case "program":
      return { kind: "program" };
    default:
      return { kind: "disarm" };
  }
}
