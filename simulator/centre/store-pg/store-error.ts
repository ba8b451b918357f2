/**
 * The port's typed errors, under the name every store-pg file and the receiver import: StoreError lives
 * in store/store-error.ts, where the SQLite store's migrations (run by CentreStore.open) also throw it.
 */
export { StoreError, isStoreError, type StoreErrorCode } from "../store/store-error.js";
