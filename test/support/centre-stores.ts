/**
 * Both centre store implementations for the contract suites: a fresh, empty centre per test, and as many
 * connections to it as the test wants (each one a receiver on its own machine). PostgreSQL runs as a
 * throwaway cluster (postgres.ts), started once per test file; each fresh centre is a new database on it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import type { UplinkPayload } from "../../protocol/index.js";
import type { CategoryName } from "../../protocol/supervision.js";
import type { CentreStorePort, FrameToStore } from "../../simulator/centre/store-pg/port.js";
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

/** Two connections to one fresh centre, standing for two receivers on two machines. */
export interface TwoReceivers {
  readonly a: CentreStorePort;
  readonly b: CentreStorePort;
  /** The centre of the running test, for one more connection (a restart). */
  centre(): CentreUnderTest;
}

/**
 * useFreshCentre with the set-up most contract files share: connections `a` and `b` opened on each fresh
 * centre, and `panels` (panel -> category) registered through `a` at `at`.
 */
export function useTwoReceivers(kind: StoreKind, panels: Readonly<Record<string, CategoryName>> = {}, at = 0): TwoReceivers {
  let a: CentreStorePort;
  let b: CentreStorePort;
  const centre = useFreshCentre(kind, async (c) => {
    a = await c.open();
    b = await c.open();
    for (const [panel, category] of Object.entries(panels)) await a.registry.addPanel(panel, category, at);
  });
  return {
    get a() {
      return a;
    },
    get b() {
      return b;
    },
    centre,
  };
}

/** A frame as the receiver hands it to the store: key "k1", and two bytes standing for the signed frame. */
export const frameToStore = (p: UplinkPayload): FrameToStore => ({ panel: p.panel, seq: p.seq, kid: "k1", payload: p, frame: new Uint8Array([1, p.seq & 0xff]) });
