/** firmware/: the panel. What the gateway, the demo and the tests import. */
export { PanelRuntime, type PanelRuntimeOptions, type PanelRuntimeEvents } from "./panel-runtime.js";
export { RuntimeInput } from "./runtime-input.js";
export { step, type StepResult } from "./core/step.js";
export { initialState, toNv } from "./core/initial-state.js";
export { nextDeadline } from "./core/deadline-rules.js";
export { summary, view, type PanelView } from "./core/panel-view.js";
export type { PanelInput, CodeAction, CoreCommand } from "./core/panel-input.js";
export type { PanelEffect, KeypadMessage, OutputName } from "./core/panel-effect.js";
export type { PanelState, NvState, AreaPhase, ArmedMode } from "./core/panel-state.js";
export { PanelConfig, type PanelConfigInput, MAX_ENTRY_DELAY_MS, MAX_SIREN_MS } from "./config/panel-config.js";
export { loadConfig, parseConfig } from "./config/load-config.js";
export { FakeClock, systemClock, type Clock, type Timer } from "../protocol/clock.js";
export type { PanelStore, LogEntry } from "./store/panel-store.js";
export { SqliteStore } from "./store/sqlite-store.js";
export { MemoryStore } from "./store/memory-store.js";
export { hashCode, verifyCode, DEFAULT_SCRYPT } from "./codes/code-hash.js";
export { zoneLevel } from "./hw/panel-hardware.js";
export { FirmwareError, isFirmwareError, type FirmwareErrorCode } from "./firmware-error.js";
