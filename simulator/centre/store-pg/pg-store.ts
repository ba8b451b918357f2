/**
 * The centre store on PostgreSQL, for receivers on many machines: one Pool per receiver process, the
 * schema migrated at open, leadership through advisory locks. A lost database is a StoreError
 * `store-unavailable` from every call (the caller keeps its frames un-ACKed); the pool opens fresh
 * connections once the server is back, so the store recovers by itself.
 */
import { PgAdvisoryLock } from "./pg-advisory-lock.js";
import { PgAlarms } from "./pg-alarms.js";
import { PgDb, type PgDbOptions } from "./pg-db.js";
import { PgFrames } from "./pg-frames.js";
import { migratePg, pgSchemaVersion } from "./pg-migrations.js";
import { pgStoreError } from "./pg-errors.js";
import { PgRegistry } from "./pg-registry.js";
import type { Leadership } from "./leadership.js";
import type { CentreStorePort, LeadershipOptions } from "./port.js";

export interface PgStoreOptions extends PgDbOptions {
  /** Migrate up to this version only (tests of the migration path); default the newest. */
  readonly schemaVersion?: number;
  readonly now?: () => number;
}

export class PgCentreStore implements CentreStorePort {
  readonly kind = "postgres" as const;
  readonly registry: PgRegistry;
  readonly frames: PgFrames;
  readonly alarms: PgAlarms;

  private constructor(readonly db: PgDb) {
    this.registry = new PgRegistry(db);
    this.frames = new PgFrames(db);
    this.alarms = new PgAlarms(db);
  }

  /** Connect to `url` (postgres://user@host:port/db) and apply the migrations this build knows. */
  static async open(url: string, opts: PgStoreOptions = {}): Promise<PgCentreStore> {
    const db = new PgDb(url, opts);
    try {
      await migratePg(db.pool, (opts.now ?? Date.now)(), opts.schemaVersion);
    } catch (e) {
      await db.end();
      throw pgStoreError(e);
    }
    return new PgCentreStore(db);
  }

  async schemaVersion(): Promise<number> {
    try {
      return await pgSchemaVersion(this.db.pool);
    } catch (e) {
      throw pgStoreError(e);
    }
  }

  leadership(name: string, opts: LeadershipOptions): Leadership {
    return new PgAdvisoryLock(this.db.url, name, opts.holder);
  }

  close(): Promise<void> {
    return this.db.end();
  }
}
