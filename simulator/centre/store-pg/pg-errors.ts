/**
 * Which PostgreSQL failures mean "the database is not reachable now" (store-unavailable: retry, nothing
 * was written) and which mean "it refused this write" (store-failed). SQLSTATE classes from the
 * PostgreSQL manual, Appendix A: 08 connection exception, 57P01-57P03 admin/crash shutdown and
 * cannot-connect-now, 53 insufficient resources.
 */
import { CentreError } from "../errors.js";
import { StoreError } from "../store/store-error.js";

const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

export function isConnectionLoss(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string") {
    if (SOCKET_CODES.has(code) || code.startsWith("08") || code.startsWith("53") || /^57P0[123]$/.test(code)) return true;
  }
  const msg = (e as Error).message ?? "";
  return /Connection terminated|connection timeout|Client has encountered a connection error|Client was closed|timeout exceeded when trying to connect|Cannot use a pool after calling end/i.test(msg);
}

/** SQLSTATEs worth retrying the whole transaction for: deadlock detected, serialization failure. */
export function isRetryable(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === "40P01" || code === "40001";
}

export function pgStoreError(e: unknown): unknown {
  if (e instanceof CentreError || e instanceof StoreError) return e;
  const code = (e as { code?: unknown }).code;
  const msg = (e as Error).message ?? String(e);
  if (isConnectionLoss(e)) return new StoreError("store-unavailable", `PostgreSQL unreachable: ${typeof code === "string" ? `${code} ` : ""}${msg}`);
  // node-postgres's words when the server asks for a password (SCRAM, RFC 5802) and none was given.
  if (/client password must be a string/.test(msg)) {
    return new StoreError("store-failed", "PostgreSQL refused: the server asks for a password and none was given: put it in the URL, PGPASSWORD or ~/.pgpass (mode 0600, else it is ignored)");
  }
  return new StoreError("store-failed", `PostgreSQL refused: ${typeof code === "string" ? `${code} ` : ""}${msg}`);
}
