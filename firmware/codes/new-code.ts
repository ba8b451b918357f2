/**
 * The rules every new code obeys, wherever it is entered (remote user-add/change, keypad program mode):
 * at least the grade's length (EN 50131-1: grade 2 4 digits, grade 3 6, or `minCodeLength`), not equal to
 * another user's code, then stored only as a salted hash.
 */
import type { CommandErrorCode } from "../../protocol/index.js";
import { minCodeLength, type PanelConfig } from "../config/panel-config.js";
import { hashCode, matchUser } from "./code-hash.js";

export type NewCodeError = Extract<CommandErrorCode, "code-too-short" | "duplicate-code">;

export function newCodeHash(
  cfg: PanelConfig,
  users: readonly { user: number; hash: string }[],
  userNo: number,
  code: string,
): { readonly hash: string } | { readonly error: NewCodeError } {
  if (code.length < minCodeLength(cfg)) return { error: "code-too-short" };
  if (matchUser(code, users.filter((u) => u.user !== userNo)) !== null) return { error: "duplicate-code" };
  return { hash: hashCode(code, cfg.scrypt) };
}
