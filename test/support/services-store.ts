/**
 * The services' database for a test, on the store the run asks for: SQLite in memory (the default), or a
 * fresh schema on the run's throwaway PostgreSQL cluster when SERVICES_STORE=postgres (the `services-pg`
 * project of vitest.config.ts runs every file of test/services that way). The same tests on both stores
 * are the services' contract suite (simulator/centre/services/services-db.ts).
 */
import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import { inject } from "vitest";
import { PgServicesDb } from "../../simulator/centre/services/pg-services-db.js";
import type { ServicesDb } from "../../simulator/centre/services/services-db.js";
import { SqliteServicesDb } from "../../simulator/centre/services/sqlite-services-db.js";
import { PgDb } from "../../simulator/centre/store-pg/pg-db.js";
import { openCentreStore } from "../../simulator/centre/store-pg/open-store.js";
import type { CentreStorePort } from "../../simulator/centre/store-pg/port.js";
import { SqliteCentreStore } from "../../simulator/centre/store-pg/sqlite-store.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";

export const SERVICES_STORE: "sqlite" | "postgres" = process.env["SERVICES_STORE"] === "postgres" ? "postgres" : "sqlite";

declare module "vitest" {
  export interface ProvidedContext {
    /** The services-pg project's cluster (test/support/pg-global-setup.ts). */
    servicesPgUrl: string;
  }
}

export interface TestServicesDb {
  readonly db: ServicesDb;
  /** A second connection to the same database (another process of the centre). */
  readonly reopen: () => ServicesDb;
  close(): Promise<void>;
}

/** A whole centre store (the services' tables go into it: services-db-of.ts) on the run's store. */
export async function freshCentreStore(): Promise<CentreStorePort> {
  if (SERVICES_STORE === "sqlite") {
    const sqlite = CentreStore.open(":memory:");
    const port = SqliteCentreStore.over(sqlite);
    return Object.assign(port, { close: async () => sqlite.close() });
  }
  return openCentreStore(await freshSchemaUrl());
}

async function freshSchemaUrl(): Promise<string> {
  const base = inject("servicesPgUrl");
  const schema = `t_${randomBytes(6).toString("hex")}`;
  const admin = new PgDb(base, { max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  return `${base}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

export async function freshServicesDb(): Promise<TestServicesDb> {
  if (SERVICES_STORE === "sqlite") {
    const raw = new Database(":memory:");
    const db = new SqliteServicesDb(raw);
    return { db, reopen: () => db, close: async () => void raw.close() };
  }
  const url = await freshSchemaUrl();
  const pools: PgDb[] = [];
  const open = () => {
    const p = new PgDb(url, { max: 4 });
    pools.push(p);
    return new PgServicesDb(p);
  };
  return { db: open(), reopen: open, close: async () => void (await Promise.all(pools.map((p) => p.end()))) };
}
