/** What every service is built on: the centre's database, the clock port and the audit log. */
import { EventEmitter } from "node:events";
import type { Clock } from "../../../protocol/clock.js";
import { AuditLog } from "./audit-log.js";
import { migrateServices, type Db } from "./services-db.js";
import { DEFAULT_SCRYPT, type ScryptParams } from "./secret-hash.js";
import type { ServicesEventMap } from "./services-events.js";

export interface ServicesContext {
  readonly db: Db;
  readonly clock: Clock;
  readonly audit: AuditLog;
  /** scrypt cost for new password hashes (tests pass TEST_SCRYPT). */
  readonly scrypt: ScryptParams;
  /** Announced after commit. */
  readonly events: EventEmitter<ServicesEventMap>;
}

/** Migrates the services' schema on `db` (the centre's own SQLite file, or ":memory:" in tests). */
export function servicesContext(db: Db, clock: Clock, scrypt: ScryptParams = DEFAULT_SCRYPT): ServicesContext {
  migrateServices(db, undefined, clock.now());
  db.pragma("foreign_keys = ON");
  return { db, clock, audit: new AuditLog(db), scrypt, events: new EventEmitter<ServicesEventMap>() };
}

/** Runs `fn` as one immediate transaction: all of an action and its audit, or nothing. */
export function inTx<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}
