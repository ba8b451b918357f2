/** What every service is built on: the centre's database, the clock port and the audit log. */
import { EventEmitter } from "node:events";
import type { Clock } from "../../../protocol/clock.js";
import { AuditLog } from "./audit-log.js";
import type { ServicesDb } from "./services-db.js";
import { DEFAULT_SCRYPT, type ScryptParams } from "./secret-hash.js";
import type { ServicesEventMap } from "./services-events.js";

export interface ServicesContext {
  readonly db: ServicesDb;
  readonly clock: Clock;
  readonly audit: AuditLog;
  /** scrypt cost for new password hashes (tests pass TEST_SCRYPT). */
  readonly scrypt: ScryptParams;
  /** Announced after commit. */
  readonly events: EventEmitter<ServicesEventMap>;
}

/** Migrates the services' schema on `db` (the centre's own store: SQLite or PostgreSQL). */
export async function servicesContext(db: ServicesDb, clock: Clock, scrypt: ScryptParams = DEFAULT_SCRYPT): Promise<ServicesContext> {
  await db.migrate(clock.now());
  return { db, clock, audit: new AuditLog(db), scrypt, events: new EventEmitter<ServicesEventMap>() };
}
