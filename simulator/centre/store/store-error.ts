/**
 * Typed errors of the centre store port. The code is stable: the receiver NAKs or holds frames on
 * `store-unavailable`, operators and logs match on it. Domain refusals (unknown alarm,
 * bad transition, not the owner) stay CentreErrors, the same from either store.
 */
import { CodedError } from "../../../protocol/errors.js";

export type StoreErrorCode =
  | "store-unavailable" // the database cannot be reached now (refused, cut, shutting down): retry later, nothing was written
  | "store-failed" // the database refused the write (a constraint, a bad value): the whole transaction was rolled back
  | "schema-too-new" // the database was migrated by a newer build than this one
  | "bad-location"; // a store location that is neither a postgres:// URL nor a file path

export class StoreError extends CodedError<StoreErrorCode> {
  override readonly name = "StoreError";
}

export function isStoreError(e: unknown, code?: StoreErrorCode): e is StoreError {
  return e instanceof StoreError && (code === undefined || e.code === code);
}
