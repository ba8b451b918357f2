import { CodedError } from "../../protocol/errors.js";

/** Typed errors of the centre simulator; `code` is stable for tests and logs. */
export type CentreErrorCode =
  | "unknown-panel" // no such panel is registered
  | "unknown-alarm" // operator queue: no alarm with that id
  | "bad-transition" // operator queue: the alarm's state does not allow that step
  | "not-owner" // operator queue: another operator has taken the alarm
  | "bad-category" // not an EN 50136 category we know
  | "bad-argument" // a command-line or option value that makes no sense
  | "pki" // certificate material missing or unreadable
  | "already-exists" // provisioning a panel twice
  | "bad-state" // a lifecycle call out of order (e.g. starting a receiver twice)
  | "broker-refused" // the broker refused a connection or subscription the centre needs
  | "locked"; // another alarm-centre holds the centre directory (DIR/alarm-centre.pid)

export class CentreError extends CodedError<CentreErrorCode> {
  override readonly name = "CentreError";
}
