/**
 * The services' database as a port: the few ways the repositories talk SQL, asynchronous so that a
 * networked database fits behind it. Two implementations: SQLite (the centre's own file, embedded:
 * sqlite-services-db.ts) and PostgreSQL (the centre's server, shared by the receivers of many machines:
 * pg-services-db.ts). Statements are written once, with `?` placeholders, in the SQL both accept.
 *
 * Rules every implementation keeps (test/services run against both):
 * - `tx(fn)`: every statement `fn` issues (through this same object, however deep) commits together or
 *   not at all; a `tx` inside a `tx` is a savepoint. Write transactions run one at a time for the whole
 *   centre, as SQLite's BEGIN IMMEDIATE does, so a rule that reads and then writes (one open incident per
 *   key, one close check per day) holds across processes and machines.
 * - A statement outside any transaction never sees, nor joins, another caller's open transaction.
 * - A lost database is a StoreError `store-unavailable`; a refused statement is `store-failed`; an error
 *   thrown by `fn` itself (a ServicesError) leaves unchanged, after the rollback.
 */
import type { Migration } from "./migrations.js";

export interface Sql {
  /** Every row. */
  all<R>(sql: string, ...params: unknown[]): Promise<R[]>;
  /** The first row, if any. */
  get<R>(sql: string, ...params: unknown[]): Promise<R | undefined>;
  /** INSERT, UPDATE or DELETE: the number of rows changed. */
  run(sql: string, ...params: unknown[]): Promise<number>;
  /** An INSERT into a table whose key is `id`: the new row's id. */
  insert(sql: string, ...params: unknown[]): Promise<number>;
}

export interface ServicesDb extends Sql {
  readonly kind: "sqlite" | "postgres";
  tx<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Applies every migration newer than the recorded version, each in its own transaction, and refuses a
   * database written by a newer version (ServicesError schema-too-new). Returns the version now in force.
   */
  migrate(now: number, migrations?: readonly Migration[]): Promise<number>;
}
