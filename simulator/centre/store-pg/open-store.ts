/**
 * The store is chosen by configuration: a `postgres://` (or `postgresql://`) URL opens the PostgreSQL
 * store, anything else is a SQLite file path (or ":memory:").
 */
import type { OpenDbOptions } from "../store/db.js";
import type { CentreStorePort } from "./port.js";
import { PgCentreStore, type PgStoreOptions } from "./pg-store.js";
import { SqliteCentreStore } from "./sqlite-store.js";
import { StoreError } from "../store/store-error.js";
import { hasScheme, isPostgresUrl, redactedLocation } from "./store-location.js";

export { isPostgresUrl } from "./store-location.js";

/** `opts`: the pool's for PostgreSQL, `synchronous` and `checkpoint` for SQLite. */
export async function openCentreStore(location: string, opts: PgStoreOptions & OpenDbOptions = {}): Promise<CentreStorePort> {
  if (isPostgresUrl(location)) {
    let host = "";
    try {
      host = new URL(location).hostname;
    } catch {
      // falls through: not a URL at all
    }
    // A socket directory (postgres:///db?host=/run/postgresql) has no host in the URL itself.
    if (!host && !/[?&]host=/.test(location)) throw new StoreError("bad-location", "centre store: not a valid postgres:// URL (postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE)");
    return PgCentreStore.open(location, opts);
  }
  if (location.trim() === "" || hasScheme(location)) {
    throw new StoreError("bad-location", `centre store ${JSON.stringify(redactedLocation(location))}: give a postgres:// URL or a SQLite file path`);
  }
  return SqliteCentreStore.open(location, opts); // it reads `now`, `synchronous` and `checkpoint` only
}
