/** What the core asks the edge to do. Effects are data; the runtime carries them out in order. */
import type { CommandResult, Event } from "../../protocol/index.js";
import type { Troubles } from "./panel-state.js";

export type OutputName = "siren" | "strobe" | "armedLed" | "troubleLed" | "memoryLed";

export type KeypadMessage =
  /** Setting prevented (EN 50131-1 8.3): every condition of the area, named. */
  | { readonly kind: "arm-refused"; readonly area: number; readonly open: readonly number[]; readonly tampered: readonly number[]; readonly faults: readonly (keyof Troubles)[] }
  | { readonly kind: "exit-delay"; readonly area: number; readonly until: number }
  | { readonly kind: "entry-delay"; readonly area: number; readonly until: number }
  | { readonly kind: "armed"; readonly area: number }
  | { readonly kind: "disarmed"; readonly area: number }
  | { readonly kind: "memory"; readonly area: number; readonly zones: readonly number[] }
  | { readonly kind: "locked"; readonly until: number }
  | { readonly kind: "invalid-code" }
  | { readonly kind: "not-permitted" }
  | { readonly kind: "bypassed"; readonly zone: number }
  | { readonly kind: "chime"; readonly zone: number }
  | { readonly kind: "troubles"; readonly codes: readonly number[] }
  | { readonly kind: "program"; readonly on: boolean }
  | { readonly kind: "user-changed"; readonly user: number; readonly op: "add" | "change" | "delete" }
  | { readonly kind: "user-refused"; readonly user: number; readonly reason: "code-too-short" | "duplicate-code" | "user-exists" | "unknown-user" | "self" };

export type PanelEffect =
  | { readonly type: "report"; readonly event: Event }
  | { readonly type: "output"; readonly output: OutputName; readonly on: boolean }
  | { readonly type: "keypad"; readonly msg: KeypadMessage }
  /** A local-only log line (the runtime also logs every report). */
  | { readonly type: "log"; readonly what: string; readonly user?: number; readonly area?: number; readonly zone?: number }
  | { readonly type: "result"; readonly result: CommandResult };
