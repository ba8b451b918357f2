import { CodedError } from "../protocol/errors.js";

/**
 * Every way the gateway refuses input or configuration. The code is stable: tests, logs and metrics
 * match on it; no public gateway method throws anything else for bad input.
 */
export type GatewayErrorCode =
  | "bad-config" // constructor options that cannot work (no broker, unknown category, bad limits)
  | "bad-event" // report() given an event that is not a valid v1 Event
  | "stopped" // used after stop()
  | "storage" // the SQLite file could not take the write (I/O error): NOT reported
  | "store-full" // the disk under the SQLite file is full (SQLITE_FULL): NOT reported; delivery resumes when space returns
  | "data-mismatch" // the SQLite file holds another panel's outbox (a copied or wrong data directory)
  | "locked" // another alarm-panel runs on this data directory (its pid file names it)
  | "store-corrupt" // a row read back from the SQLite file does not fit its schema (the message names the table)
  | "retained" // a retained downlink message (never acted on: MQTT v5 3.3.1.3, a retained "arm" re-arms on every reconnect)
  | "replay" // a command id already executed
  | "expired" // a command past its expiry
  | "stale" // a command whose centre time is outside the freshness window
  | "rejected" // a downlink frame that failed signature, key or panel checks
  | "bundle-unreadable" // a file of the provisioned bundle is missing or unreadable (the message names it)
  | "bundle-invalid"; // panel.json or a key in the bundle does not fit (the message names the file and key)

export class GatewayError extends CodedError<GatewayErrorCode> {
  override readonly name = "GatewayError";
}

export function isGatewayError(e: unknown): e is GatewayError {
  return e instanceof GatewayError;
}

/** A SQLite write failure as a GatewayError ("store-full" for SQLITE_FULL), or undefined for anything else. */
export function storageError(e: unknown): GatewayError | undefined {
  if (e instanceof GatewayError) return e.code === "storage" || e.code === "store-full" ? e : undefined;
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== "string" || !code.startsWith("SQLITE_")) return undefined;
  const message = `outbox not written: ${String((e as Error).message)}`;
  return new GatewayError(code === "SQLITE_FULL" ? "store-full" : "storage", message);
}
