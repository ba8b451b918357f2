/**
 * The transaction a statement belongs to, for both services databases (sqlite-services-db.ts,
 * pg-services-db.ts): an AsyncLocalStorage scope per open transaction, so that every statement its
 * function issues, however deep, joins it, and a `tx` inside it becomes a savepoint.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export interface TxScope {
  open: boolean;
  savepoints: number;
}

export class TxScopes<S extends TxScope> {
  readonly #store = new AsyncLocalStorage<S>();

  /** Runs `fn` inside `scope`; the transaction's owner marks it closed when it ends. */
  run<T>(scope: S, fn: () => Promise<T>): Promise<T> {
    return this.#store.run(scope, fn);
  }

  /** The open transaction of this call, if any. */
  current(): S | undefined {
    const s = this.#store.getStore();
    // A callback scheduled inside a transaction that has ended carries its scope: it is outside now.
    return s?.open ? s : undefined;
  }

  /** `fn` inside a savepoint of `scope`: rolled back to it on a throw, the rest of the transaction kept. */
  async savepoint<T>(scope: S, exec: (sql: string) => unknown, fn: () => Promise<T>): Promise<T> {
    const name = `sp${++scope.savepoints}`;
    await exec(`SAVEPOINT ${name}`);
    try {
      const out = await fn();
      await exec(`RELEASE SAVEPOINT ${name}`);
      return out;
    } catch (e) {
      await exec(`ROLLBACK TO SAVEPOINT ${name}`);
      await exec(`RELEASE SAVEPOINT ${name}`);
      throw e;
    }
  }
}
