/** What the core reacts to. Code checking (scrypt) happens at the edge; the core gets the verdict. */
import type { Command, UserSpec } from "../../protocol/index.js";
import type { ArmedMode } from "./panel-state.js";

export type CodeAction =
  /** `override`: the user asks to override the tampers and faults that prevent setting (EN 50131-1 8.3). */
  | { readonly kind: "arm"; readonly mode: ArmedMode; readonly override?: boolean }
  | { readonly kind: "disarm" }
  | { readonly kind: "bypass"; readonly zone: number }
  | { readonly kind: "authorise-installer" }
  | { readonly kind: "program" };

/** A remote command with its plain code already replaced by a salted hash (done at the edge). */
export type CoreCommand =
  | Exclude<Command, { type: "user-add" } | { type: "user-change" }>
  | { readonly id: string; readonly exp: number; readonly type: "user-add"; readonly spec: Omit<UserSpec, "code"> & { readonly hash: string } }
  | { readonly id: string; readonly exp: number; readonly type: "user-change"; readonly user: number; readonly hash: string };

/**
 * A user edit typed in a master user's program mode. The edge has already checked and hashed the new code;
 * `refused` carries its verdict when the code broke a rule.
 */
export type UserEdit =
  | { readonly op: "add" | "change"; readonly user: number; readonly hash: string; readonly refused?: undefined }
  | { readonly op: "delete"; readonly user: number; readonly refused?: undefined }
  | { readonly op: "add" | "change"; readonly user: number; readonly refused: "code-too-short" | "duplicate-code" };

export type PanelInput =
  /** First sample of every zone after power-up: the core reports 305 and re-evaluates each zone. */
  | { readonly type: "boot"; readonly active: readonly number[] }
  /** The clock reached nextDeadline(state). */
  | { readonly type: "tick" }
  /** A debounced zone change: active = violated (door open, PIR triggered). */
  | { readonly type: "zone"; readonly zone: number; readonly active: boolean }
  | { readonly type: "tamper"; readonly zone: number; readonly active: boolean }
  /** A code was entered; `user` is null when it matched no stored hash. */
  | { readonly type: "code"; readonly user: number | null; readonly action: CodeAction; readonly area?: number }
  | { readonly type: "keypad-alarm"; readonly kind: "panic" | "fire" }
  | { readonly type: "ac"; readonly ok: boolean }
  | { readonly type: "battery"; readonly low: boolean }
  /** Communication path to the centre, from the gateway. */
  | { readonly type: "link"; readonly up: boolean }
  /** The gateway's outbox stores events (`ok`) or refuses them (disk full, write failure), from the device wiring. */
  | { readonly type: "store"; readonly ok: boolean }
  | { readonly type: "remote"; readonly cmd: CoreCommand }
  | { readonly type: "user-edit"; readonly edit: UserEdit };
