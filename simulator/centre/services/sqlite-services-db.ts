/**
 * The services' database on SQLite (better-sqlite3, synchronous, one connection). A transaction is
 * BEGIN IMMEDIATE .. COMMIT around an async function, so that a second caller cannot slip its statements
 * into it while it awaits: callers queue on one lock, and the statements of the function that holds it
 * are recognised by an AsyncLocalStorage context. With nothing queued, a lone statement runs at once.
 */
import type Database from "better-sqlite3";
import { MIGRATIONS, type Migration } from "./migrations.js";
import { migrateInSteps, RECORD_VERSION, VERSION_TABLE } from "./migrate-steps.js";
import type { ServicesDb } from "./services-db.js";
import { sqliteStoreError } from "../store-pg/sqlite-store.js";
import { TxScopes, type TxScope } from "./tx-scopes.js";

export class SqliteServicesDb implements ServicesDb {
  readonly kind = "sqlite";
  private readonly scopes = new TxScopes<TxScope>();
  private readonly statements = new Map<string, Database.Statement>();
  /** Resolves when the transaction holding the connection ends; undefined when none does. */
  private held: Promise<void> | undefined;

  constructor(readonly db: Database.Database) {
    db.pragma("foreign_keys = ON");
  }

  all<R>(text: string, ...params: unknown[]): Promise<R[]> {
    return this.statement(text, (s) => s.all(...params) as R[]);
  }

  get<R>(text: string, ...params: unknown[]): Promise<R | undefined> {
    return this.statement(text, (s) => s.get(...params) as R | undefined);
  }

  run(text: string, ...params: unknown[]): Promise<number> {
    return this.statement(text, (s) => s.run(...params).changes);
  }

  insert(text: string, ...params: unknown[]): Promise<number> {
    return this.statement(text, (s) => Number(s.run(...params).lastInsertRowid));
  }

  async tx<T>(fn: () => Promise<T>): Promise<T> {
    const outer = this.scopes.current();
    if (outer) return this.scopes.savepoint(outer, (q) => this.db.exec(q), fn);
    while (this.held) await this.held;
    let release!: () => void;
    this.held = new Promise((r) => (release = r));
    const scope: TxScope = { open: true, savepoints: 0 };
    try {
      sql(() => this.db.exec("BEGIN IMMEDIATE"));
      let out: T;
      try {
        out = await this.scopes.run(scope, fn);
      } catch (e) {
        if (this.db.inTransaction) sql(() => this.db.exec("ROLLBACK"));
        throw e;
      }
      sql(() => this.db.exec("COMMIT"));
      return out;
    } finally {
      scope.open = false;
      this.held = undefined;
      release();
    }
  }

  async migrate(now: number, migrations: readonly Migration[] = MIGRATIONS): Promise<number> {
    return migrateInSteps(
      {
        tx: (fn) => this.tx(fn),
        version: async () => {
          this.db.exec(VERSION_TABLE);
          return (this.db.prepare("SELECT MAX(version) AS v FROM svc_schema_version").get() as { v: number | null }).v ?? 0;
        },
        apply: async (m, at) => {
          this.db.exec(m.sql);
          this.db.prepare(RECORD_VERSION).run(m.version, m.name, at);
        },
      },
      migrations,
      now,
    );
  }

  private async statement<T>(text: string, run: (s: Database.Statement) => T): Promise<T> {
    if (!this.scopes.current()) while (this.held) await this.held;
    return sql(() => {
      let s = this.statements.get(text);
      if (!s) this.statements.set(text, (s = this.db.prepare(text)));
      return run(s);
    });
  }
}

/** A statement's failure as the store's typed error: store-unavailable (busy, disk full, closed) or store-failed. */
function sql<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw sqliteStoreError(e);
  }
}
