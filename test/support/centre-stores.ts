/**
 * Both centre store implementations for the contract suites: a fresh, empty centre per test, and as many
 * connections to it as the test wants (each one a receiver on its own machine). PostgreSQL runs as a
 * throwaway cluster (postgres.ts), started once per test file; each fresh centre is a new database on it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import type { CentreStorePort } from "../../simulator/centre/store-pg/port.js";
import { PgCentreStore, type PgStoreOptions } from "../../simulator/centre/store-pg/pg-store.js";
import { SqliteCentreStore } from "../../simulator/centre/store-pg/sqlite-store.js";
import { createDatabase, startPostgres, type TestPostgres } from "./postgres.js";

export type StoreKind = "sqlite" | "postgres";
export const STORE_KINDS: readonly StoreKind[] = ["sqlite", "postgres"];

export interface CentreUnderTest {
  readonly location: string;
  /** One more connection (pool) to this centre's store; closed by close(). */
  open(opts?: PgStoreOptions): Promise<CentreStorePort>;
  close(): Promise<void>;
}

export interface StoreBackend {
  readonly kind: StoreKind;
  /** The PostgreSQL cluster, for tests that stop it or terminate sessions. */
  readonly postgres: TestPostgres | undefined;
  fresh(): Promise<CentreUnderTest>;
  teardown(): Promise<void>;
}

let dbCounter = 0;

export async function storeBackend(kind: StoreKind): Promise<StoreBackend> {
  const dir = mkdtempSync(join(tmpdir(), "centre-store-"));
  const postgres = kind === "postgres" ? await startPostgres() : undefined;
  return {
    kind,
    postgres,
    async fresh() {
      const n = dbCounter++;
      const location = postgres ? await createDatabase(postgres, `centre_${process.pid}_${n}`) : join(dir, `centre-${n}.db`);
      const opened: CentreStorePort[] = [];
      return {
        location,
        async open(opts = {}) {
          const s = postgres ? await PgCentreStore.open(location, opts) : SqliteCentreStore.open(location, { now: opts.now });
          opened.push(s);
          return s;
        },
        async close() {
          await Promise.all(opened.map((s) => s.close()));
        },
      };
    },
    async teardown() {
      await postgres?.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The hooks of a store contract file, for one kind of store: the backend for the file (a throwaway
 * PostgreSQL cluster, or nothing for SQLite), a fresh centre for each test, set up by `setUp` (open the
 * connections the test uses, register panels), closed after it. Returns the centre of the running test.
 */
export function useFreshCentre(kind: StoreKind, setUp: (centre: CentreUnderTest) => Promise<void>): () => CentreUnderTest {
  let backend: StoreBackend;
  let centre: CentreUnderTest;
  beforeAll(async () => {
    backend = await storeBackend(kind);
  }, 60_000);
  afterAll(() => backend.teardown());
  beforeEach(async () => {
    centre = await backend.fresh();
    await setUp(centre);
  });
  afterEach(() => centre.close());
  return () => centre;
}
