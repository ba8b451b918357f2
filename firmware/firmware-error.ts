import { CodedError } from "../protocol/errors.js";

/**
 * Every way the firmware edge refuses something. The `code` is stable: tests, logs and the CLI match on it.
 * The pure core never throws; only the edges (config, store, keypad, CLI) raise these.
 */
export type FirmwareErrorCode =
  | "config-invalid" // config file does not satisfy the schema (message names the field path)
  | "config-unreadable" // file missing or not YAML/JSON
  | "scenario-invalid" // scenario file does not satisfy its schema
  | "hash-malformed" // a stored code hash is not scrypt$N$r$p$salt$hash
  | "code-invalid" // a new code breaks the grade's length rule or duplicates another user's
  | "io-unavailable" // the configured IO plugin cannot be loaded
  | "store-failed" // the event log / state database refused a write
  | "store-corrupt" // a row read back from the store does not satisfy its schema (message names the table)
  | "input-invalid"; // PanelRuntime.input() got something that is not a RuntimeInput

export class FirmwareError extends CodedError<FirmwareErrorCode> {
  override readonly name = "FirmwareError";
}

export function isFirmwareError(e: unknown): e is FirmwareError {
  return e instanceof FirmwareError;
}
