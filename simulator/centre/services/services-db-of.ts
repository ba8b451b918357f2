/**
 * The services' database on the centre's own store, whichever it is: the same SQLite file (one machine)
 * or the same PostgreSQL database and pool (many). The services' tables (svc_*) sit next to the centre's.
 */
import type { CentreStorePort } from "../store-pg/port.js";
import { PgCentreStore } from "../store-pg/pg-store.js";
import { SqliteCentreStore } from "../store-pg/sqlite-store.js";
import { PgServicesDb } from "./pg-services-db.js";
import type { ServicesDb } from "./services-db.js";
import { SqliteServicesDb } from "./sqlite-services-db.js";

export function servicesDbOf(store: CentreStorePort): ServicesDb {
  if (store instanceof PgCentreStore) return new PgServicesDb(store.db);
  if (store instanceof SqliteCentreStore) return new SqliteServicesDb(store.store.db);
  throw new TypeError(`no services database for a ${store.kind} store`);
}
