/**
 * Kept only for cli/queue-routes.ts, its last importer: StoreError lives in store/store-error.ts, where
 * the SQLite store's migrations also throw it; import it from there.
 */
export { isStoreError } from "../store/store-error.js";
