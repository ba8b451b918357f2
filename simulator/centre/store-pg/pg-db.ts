/**
 * A pool of PostgreSQL connections with the two ways the store uses it: a single statement, and a
 * function run in one transaction (retried on deadlock or serialization failure, which PostgreSQL asks
 * the client to do). Every failure leaves as a StoreError or the CentreError the function threw.
 */
import pg, { type PoolClient, type QueryResultRow } from "pg";
import { isConnectionLoss, isRetryable, pgStoreError } from "./pg-errors.js";

/** BIGINT (oid 20) as a JS number: ids and UTC ms stay far below 2^53. */
const INT8 = 20;
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8 && format !== "binary" ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

/**
 * A client that closes its socket when its login fails. node-postgres's pool drops such a client without
 * ending it (a password the client cannot give fails inside SCRAM, RFC 5802), so its socket stayed open
 * until the server's authentication_timeout (60 s by default) and held a failed command's exit that long.
 */
class ClosingClient extends pg.Client {
  override connect(): Promise<pg.Client>;
  override connect(callback: ((err: Error) => void) | ((err: null, c: pg.Client) => void)): void;
  override connect(callback?: ((err: Error) => void) | ((err: null, c: pg.Client) => void)): Promise<pg.Client> | void {
    if (!callback) return super.connect();
    const cb = callback as (err: Error | null, c?: pg.Client) => void;
    super.connect((err: Error | null) => {
      if (err) void this.end().catch(() => undefined);
      cb(err, this);
    });
  }
}

export interface PgDbOptions {
  /** Pool size (default 10). */
  readonly max?: number;
  /** How long to wait for a connection before the store is called unavailable (default 5 s). */
  readonly connectTimeoutMs?: number;
  /** Called when an idle connection dies (the pool drops it and opens a fresh one when needed). */
  readonly onIdleError?: (e: Error) => void;
}

export type Tx = Pick<PoolClient, "query">;

export class PgDb {
  readonly pool: pg.Pool;

  constructor(
    readonly url: string,
    opts: PgDbOptions = {},
  ) {
    this.pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000, types, Client: ClosingClient });
    // An idle client whose server went away emits here; without a listener it would crash the process.
    this.pool.on("error", (e) => opts.onIdleError?.(e));
  }

  async query<R extends QueryResultRow>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, params as unknown[])).rows;
    } catch (e) {
      throw pgStoreError(e);
    }
  }

  /**
   * Run `fn` in one transaction: all of it commits, or none of it. A connection lost during COMMIT leaves
   * the outcome unknown; it is reported as store-unavailable all the same, and that is safe: the caller
   * does not ACK, the panel resends, and the frame is then a duplicate (re-ACKed) or new (stored).
   */
  async tx<T>(fn: (c: Tx) => Promise<T>, attempts = 5): Promise<T> {
    for (let i = 1; ; i++) {
      let c: PoolClient;
      try {
        c = await this.pool.connect();
      } catch (e) {
        throw pgStoreError(e);
      }
      let broken: Error | undefined;
      // The server may end the session between two statements (a fast shutdown sends FATAL 57P01 to every
      // backend); a checked-out client then emits "error", which must not crash the process.
      const lost = (e: Error) => (broken = e);
      c.on("error", lost);
      try {
        await c.query("BEGIN");
        const out = await fn(c);
        await c.query("COMMIT");
        return out;
      } catch (e) {
        if (isConnectionLoss(e)) broken = e as Error;
        else await c.query("ROLLBACK").catch((r: Error) => (broken = r));
        if (i < attempts && isRetryable(e)) continue;
        throw pgStoreError(e);
      } finally {
        c.removeListener("error", lost);
        c.release(broken); // a broken connection is destroyed, not returned to the pool
      }
    }
  }

  async end(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}
