/**
 * Versioned schema migrations, applied at open, for both stores: from an empty database, from the
 * previous version with data in it (kept), by two receivers starting at once (each step applied once),
 * and refused when the database is newer than this build.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UplinkPayload } from "../../protocol/index.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { PG_MIGRATIONS, PG_SCHEMA_VERSION } from "../../simulator/centre/store-pg/pg-migrations.js";
import { PgCentreStore } from "../../simulator/centre/store-pg/pg-store.js";
import { SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION } from "../../simulator/centre/store-pg/sqlite-migrations.js";
import { SqliteCentreStore } from "../../simulator/centre/store-pg/sqlite-store.js";
import { openCentreStore } from "../../simulator/centre/store-pg/open-store.js";
import { storeBackend, type StoreBackend } from "../support/centre-stores.js";

const T0 = Date.UTC(2026, 0, 1);
const burglary = (seq: number): UplinkPayload => ({ v: 1, panel: "P1", seq, sent: T0, events: [{ code: 130, q: 1, area: 1, zone: 1, at: T0 }] });
const frame = (seq: number) => ({ panel: "P1", seq, kid: "k", payload: burglary(seq), frame: new Uint8Array([seq]) });

describe("PostgreSQL schema migrations", () => {
  let backend: StoreBackend;
  beforeAll(async () => {
    backend = await storeBackend("postgres");
  }, 60_000);
  afterAll(() => backend.teardown());

  async function versions(url: string): Promise<number[]> {
    const c = new pg.Client(url);
    await c.connect();
    try {
      return (await c.query<{ version: number }>("SELECT version FROM schema_version ORDER BY version")).rows.map((r) => r.version);
    } finally {
      await c.end();
    }
  }

  it("the migration list is ordered and gapless", () => {
    expect(PG_MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => i + 1));
    expect(SQLITE_MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: SQLITE_SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it("from an empty database, two receivers starting at once apply each version once", async () => {
    const centre = await backend.fresh();
    const [a, b] = await Promise.all([centre.open(), centre.open()]);
    expect(await a.schemaVersion()).toBe(PG_SCHEMA_VERSION);
    expect(await b.schemaVersion()).toBe(PG_SCHEMA_VERSION);
    expect(await versions(centre.location)).toEqual([1, 2]);
    await centre.close();
  });

  it("from version 1 with data: migrated to the newest, data kept, the new constraint in force", async () => {
    const centre = await backend.fresh();
    const v1 = await centre.open({ schemaVersion: 1 });
    expect(await v1.schemaVersion()).toBe(1);
    await v1.registry.addPanel("P1", "SP4", T0);
    await v1.frames.store([frame(0), frame(1)], T0, "r1");
    await v1.close();
    const now = await centre.open();
    expect(await now.schemaVersion()).toBe(PG_SCHEMA_VERSION);
    expect(await now.frames.count("P1")).toBe(2);
    expect(await now.alarms.list()).toHaveLength(1);
    expect((await now.frames.store([frame(1), frame(2)], T0 + 1, "r2")).map((o) => o.result)).toEqual(["duplicate", "stored"]);
    const c = new pg.Client(centre.location);
    await c.connect();
    await expect(c.query("UPDATE alarms SET state = 'lost'")).rejects.toMatchObject({ code: "23514" }); // check_violation
    await c.end();
    await centre.close();
  });

  it("a database newer than this build is refused with schema-too-new", async () => {
    const centre = await backend.fresh();
    await (await centre.open()).close();
    const c = new pg.Client(centre.location);
    await c.connect();
    await c.query("INSERT INTO schema_version (version, name, applied_at) VALUES ($1, 'from the future', 0)", [PG_SCHEMA_VERSION + 1]);
    await c.end();
    await expect(PgCentreStore.open(centre.location)).rejects.toMatchObject({ code: "schema-too-new" });
    await centre.close();
  });

  it("the location picks the store: a postgres:// URL opens PostgreSQL", async () => {
    const centre = await backend.fresh();
    const s = await openCentreStore(centre.location);
    expect(s.kind).toBe("postgres");
    await s.close();
    await centre.close();
  });
});

describe("SQLite schema migrations", () => {
  let backend: StoreBackend;
  beforeAll(async () => {
    backend = await storeBackend("sqlite");
  });
  afterAll(() => backend.teardown());

  it("from an empty file: the newest version", async () => {
    const centre = await backend.fresh();
    const s = await centre.open();
    expect(await s.schemaVersion()).toBe(SQLITE_SCHEMA_VERSION);
    await centre.close();
  });

  it("from a version-1 file written by today's CentreStore: migrated, data kept", async () => {
    const centre = await backend.fresh();
    const old = CentreStore.open(centre.location);
    old.registry.addPanel("P1", "SP4", T0);
    old.frames.store([frame(0)], T0, "r1");
    old.close();
    const s = await centre.open();
    expect(await s.schemaVersion()).toBe(SQLITE_SCHEMA_VERSION);
    expect(await s.frames.count("P1")).toBe(1);
    expect(await s.leadership("supervision", { holder: "r1" }).poll()).toBe(true); // the v2 leases table
    // ...and today's CentreStore still opens the migrated file.
    const again = CentreStore.open(centre.location);
    expect(again.frames.count()).toBe(1);
    again.close();
    await centre.close();
  });

  it("a file newer than this build is refused with schema-too-new; a bad location with bad-location", async () => {
    const centre = await backend.fresh();
    const s = (await centre.open()) as SqliteCentreStore;
    s.store.db.prepare("INSERT INTO schema_version (version, name, applied_at) VALUES (?, 'from the future', 0)").run(SQLITE_SCHEMA_VERSION + 1);
    await centre.close();
    expect(() => SqliteCentreStore.open(centre.location)).toThrow(expect.objectContaining({ code: "schema-too-new" }));
    await expect(openCentreStore("mysql://db/centre")).rejects.toMatchObject({ code: "bad-location" });
    const viaPath = await openCentreStore(":memory:");
    expect(viaPath.kind).toBe("sqlite");
    await viaPath.close();
  });
});
