/**
 * Typed errors of the monitoring-centre services. The code is stable (tests, logs and the HTTP API's JSON
 * body `{error: code, message, field?}` match on it); `field` names the request field at fault.
 */
import { CodedError } from "../../../protocol/errors.js";

export type ServicesErrorCode =
  | "bad-input" // a field is missing, malformed or out of range (see `field`)
  | "not-found" // no such installation, incident, task, ticket, operator...
  | "conflict" // the thing exists already, or its state does not allow that step
  | "wrong-password" // caller password or operator password refused
  | "locked-out" // too many wrong passwords: locked until `detail.until`
  | "unauthenticated" // no valid session
  | "forbidden" // the session's role may not do this
  | "schema-too-new" // the database was migrated by a newer version of these services
  | "port-failed"; // a provider behind a port (telephony, messaging, guard, command sender) failed

/** HTTP status for each code: the API's one mapping. */
export const HTTP_STATUS: Record<ServicesErrorCode, number> = {
  "bad-input": 400,
  "not-found": 404,
  conflict: 409,
  "wrong-password": 403,
  "locked-out": 423,
  unauthenticated: 401,
  forbidden: 403,
  "schema-too-new": 500,
  "port-failed": 502,
};

export class ServicesError extends CodedError<ServicesErrorCode> {
  override readonly name = "ServicesError";
  constructor(
    code: ServicesErrorCode,
    /** Said to the client as is: never a secret. */
    readonly detailMessage: string,
    readonly field?: string,
    readonly detail?: Readonly<Record<string, unknown>>,
  ) {
    super(code, detailMessage);
  }
}

export const badInput = (field: string, message: string): ServicesError => new ServicesError("bad-input", message, field);
export const notFound = (what: string): ServicesError => new ServicesError("not-found", `no ${what}`);
