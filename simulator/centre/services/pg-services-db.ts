/**
 * The services' database on PostgreSQL, on the centre store's connection pool (store-pg/pg-db.ts). The
 * statements are the SQLite ones: `?` becomes `$1..$n`, an insert returns its id with RETURNING.
 *
 * A write transaction first takes one transaction-level advisory lock, so the services' transactions of
 * every alarm-centre process on the database run one at a time, as on SQLite (BEGIN IMMEDIATE): a rule
 * that reads and then writes (one open incident per key, one close check per local day, a lockout counter)
 * holds without SERIALIZABLE retries, whose replays would repeat the audit and the side effects. The
 * services write a few rows per operator action or alarm, far from what one lock limits.
 */
import type { PoolClient } from "pg";
import { CodedError } from "../../../protocol/errors.js";
import type { PgDb } from "../store-pg/pg-db.js";
import { isConnectionLoss, pgStoreError } from "../store-pg/pg-errors.js";
import { PG_SERVICES_MIGRATIONS, pgDdl } from "./pg-services-migrations.js";
import type { Migration } from "./migrations.js";
import { migrateInSteps, RECORD_VERSION, VERSION_TABLE } from "./migrate-steps.js";
import type { ServicesDb } from "./services-db.js";
import { TxScopes, type TxScope } from "./tx-scopes.js";

interface PgTxScope extends TxScope {
  readonly client: PoolClient;
}

/** The services' write lock and their migration lock (pg_advisory_xact_lock takes a bigint): "svc-writ", "svc-migr". */
const WRITE_LOCK = 0x7376632d_77726974n.toString();
const MIGRATION_LOCK = 0x7376632d_6d696772n.toString();

export class PgServicesDb implements ServicesDb {
  readonly kind = "postgres";
  private readonly scopes = new TxScopes<PgTxScope>();
  private readonly texts = new Map<string, string>();

  constructor(private readonly pg: PgDb) {}

  async all<R>(sql: string, ...params: unknown[]): Promise<R[]> {
    return (await this.query(this.text(sql), params)) as R[];
  }

  async get<R>(sql: string, ...params: unknown[]): Promise<R | undefined> {
    return (await this.query(this.text(sql), params))[0] as R | undefined;
  }

  async run(sql: string, ...params: unknown[]): Promise<number> {
    return (await this.result(this.text(sql), params)).rowCount ?? 0;
  }

  async insert(sql: string, ...params: unknown[]): Promise<number> {
    const rows = await this.query(`${this.text(sql)} RETURNING id`, params);
    return Number((rows[0] as { id: number | string }).id);
  }

  async tx<T>(fn: () => Promise<T>): Promise<T> {
    const outer = this.scopes.current();
    if (outer) return this.scopes.savepoint(outer, (q) => outer.client.query(q), fn);
    return this.transaction(WRITE_LOCK, fn);
  }

  async migrate(now: number, migrations: readonly Migration[] = PG_SERVICES_MIGRATIONS): Promise<number> {
    // Under the migration lock: alarm-centre processes starting together apply each migration once.
    return migrateInSteps(
      {
        tx: (fn) => this.transaction(MIGRATION_LOCK, fn),
        version: async () => {
          await this.run(pgDdl(VERSION_TABLE));
          return (await this.get<{ v: number }>("SELECT COALESCE(MAX(version), 0)::int AS v FROM svc_schema_version"))!.v;
        },
        apply: async (m, at) => {
          await this.scopes.current()!.client.query(m.sql);
          await this.run(RECORD_VERSION, m.version, m.name, at);
        },
      },
      migrations,
      now,
    );
  }

  private async transaction<T>(lock: string, fn: () => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pg.pool.connect();
    } catch (e) {
      throw pgStoreError(e);
    }
    let broken: Error | undefined;
    // A fast shutdown of the server ends the session between two statements: the checked-out client
    // emits "error", which must not crash the process.
    const lost = (e: Error) => (broken = e);
    client.on("error", lost);
    const scope: PgTxScope = { client, open: true, savepoints: 0 };
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock($1::bigint)", [lock]);
      const out = await this.scopes.run(scope, fn);
      await client.query("COMMIT");
      return out;
    } catch (e) {
      if (isConnectionLoss(e)) broken = e as Error;
      else await client.query("ROLLBACK").catch((r: Error) => (broken = r));
      throw e instanceof CodedError ? e : pgStoreError(e);
    } finally {
      scope.open = false;
      client.removeListener("error", lost);
      client.release(broken); // a broken connection is destroyed, not returned to the pool
    }
  }

  private async query(text: string, params: unknown[]): Promise<unknown[]> {
    return (await this.result(text, params)).rows;
  }

  private async result(text: string, params: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }> {
    const s = this.scopes.current();
    try {
      return s ? await s.client.query(text, params) : await this.pg.pool.query(text, params);
    } catch (e) {
      throw pgStoreError(e);
    }
  }

  /** `?` placeholders as PostgreSQL's `$n` (the services' SQL has no `?` inside a literal). */
  private text(sql: string): string {
    let t = this.texts.get(sql);
    if (t === undefined) {
      let n = 0;
      this.texts.set(sql, (t = sql.replace(/\?/g, () => `$${++n}`)));
    }
    return t;
  }
}
