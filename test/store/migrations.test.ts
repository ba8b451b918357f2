/**
 * Versioned schema migrations, applied at open, for both stores: from an empty database, from the
 * previous version with data in it (kept), by two receivers starting at once (each step applied once),
 * and refused when the database is newer than this build.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MapKeyRing, generateEd25519, openUplink, privateKeyFromPem, publicKeyFromPem, sealUplink, type UplinkPayload } from "../../protocol/index.js";
import { frameEvents } from "../../simulator/centre/receiver/frame-events.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { openCentreDb } from "../../simulator/centre/store/db.js";
import { PG_MIGRATIONS, PG_SCHEMA_VERSION } from "../../simulator/centre/store-pg/pg-migrations.js";
import { PgCentreStore } from "../../simulator/centre/store-pg/pg-store.js";
import { SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION, migrateSqlite } from "../../simulator/centre/store/sqlite-migrations.js";
import type { CentreStorePort } from "../../simulator/centre/store-pg/port.js";
import { SqliteCentreStore } from "../../simulator/centre/store-pg/sqlite-store.js";
import { openCentreStore } from "../../simulator/centre/store-pg/open-store.js";
import { storeBackend, type StoreBackend } from "../support/centre-stores.js";

const T0 = Date.UTC(2026, 0, 1);
const burglary = (seq: number): UplinkPayload => ({ v: 1, panel: "P1", seq, sent: T0, events: [{ code: 130, q: 1, area: 1, zone: 1, at: T0 }] });

// Rows as a centre before version 3 wrote them: each with the whole signed frame. A batch frame of three
// events (three rows, one frame's bytes) and a frame of one burglary, which raised an alarm.
const keys = generateEd25519();
const signer = { kid: "k", key: privateKeyFromPem(keys.privatePem) };
const ring = new MapKeyRing().add("k", "P1", publicKeyFromPem(keys.publicPem));
const openClose = (seq: number) => ({ code: 401, q: 3 as const, area: 1, user: seq, at: T0 });
const batchPayload: UplinkPayload = { v: 1, panel: "P1", seq: 0, sent: T0, events: [openClose(0), openClose(1), openClose(2)], seqs: [0, 1, 2] };
const batchFrame = sealUplink(batchPayload, signer);
const alarmFrame = sealUplink(burglary(3), signer);
const oldRows = [...frameEvents("P1", "k", batchPayload, batchFrame), ...frameEvents("P1", "k", burglary(3), alarmFrame)];

/** After the migration: every old row's evidence is its frame's bytes (the batch frame's kept once), and still verifies. */
async function expectEvidenceKept(s: CentreStorePort, storedFrames: () => Promise<number>): Promise<void> {
  expect(await s.frames.count("P1")).toBe(4);
  for (const r of oldRows) {
    const bytes = await s.frames.evidence("P1", r.seq);
    expect(Buffer.from(bytes!).equals(Buffer.from(r.frame))).toBe(true);
    expect(openUplink(bytes!, ring, { topicPanel: "P1" }).payload.seq).toBe(r.seq === 3 ? 3 : 0);
  }
  expect(await storedFrames()).toBe(1); // the batch frame; the one-event frame stays on its row
  // Written after the migration: a regrouped resend of events 2 and 4 adds its frame, as the evidence of 4 only.
  const regrouped: UplinkPayload = { v: 1, panel: "P1", seq: 2, sent: T0 + 1, events: [openClose(2), openClose(4)], seqs: [2, 4] };
  const bytes = sealUplink(regrouped, signer);
  expect((await s.frames.store(frameEvents("P1", "k", regrouped, bytes), T0 + 1, "r2")).map((o) => o.result)).toEqual(["duplicate", "stored"]);
  expect(await storedFrames()).toBe(2);
  expect(Buffer.from((await s.frames.evidence("P1", 4))!).equals(Buffer.from(bytes))).toBe(true);
  expect(Buffer.from((await s.frames.evidence("P1", 2))!).equals(Buffer.from(batchFrame))).toBe(true);
}

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
    expect(await versions(centre.location)).toEqual(PG_MIGRATIONS.map((m) => m.version));
    await centre.close();
  });

  it.each([1, 2])("from version %i with data: migrated to the newest, data kept, each frame's bytes stored once", async (from) => {
    const centre = await backend.fresh();
    const old = await centre.open({ schemaVersion: from });
    expect(await old.schemaVersion()).toBe(from);
    await old.close();
    const c = new pg.Client(centre.location);
    await c.connect();
    try {
      await c.query("INSERT INTO panels (panel, category, created_at) VALUES ('P1', 'SP4', $1)", [T0]);
      for (const r of oldRows) {
        await c.query("INSERT INTO frames (panel, seq, kid, sent, received_at, receiver, payload, frame) VALUES ($1, $2, $3, $4, $4, 'r1', $5, $6)", [r.panel, r.seq, r.kid, T0, JSON.stringify(r.payload), Buffer.from(r.frame)]);
      }
      await c.query("INSERT INTO alarms (panel, kind, key, title, priority, state, created_at, updated_at) VALUES ('P1', 'event', 'burglary:1:1', 'burglary', 0, 'new', $1, $1)", [T0]);
      await c.query("INSERT INTO alarm_frames (alarm_id, frame_id) SELECT a.id, f.id FROM alarms a, frames f WHERE f.seq = 3");
      const now = await centre.open();
      expect(await now.schemaVersion()).toBe(PG_SCHEMA_VERSION);
      const [alarm] = await now.alarms.list();
      expect((await now.alarms.frames(alarm!.id)).map((f) => f.seq)).toEqual([3]);
      await expectEvidenceKept(now, async () => Number((await c.query<{ n: string }>("SELECT count(*) AS n FROM signed_frames")).rows[0]!.n));
      await expect(c.query("UPDATE alarms SET state = 'lost'")).rejects.toMatchObject({ code: "23514" }); // check_violation (v2)
      await expect(c.query("UPDATE frames SET evidence = '\\x00' WHERE evidence IS NOT NULL")).rejects.toMatchObject({ code: "23503" }); // foreign_key_violation (v3)
      await expect(c.query("UPDATE frames SET frame = NULL WHERE evidence IS NULL")).rejects.toMatchObject({ code: "23514" }); // bytes on the row or shared, never neither
    } finally {
      await c.end();
    }
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

  it.each([1, 2])("from a version-%i file with data: migrated, data kept, each frame's bytes stored once", async (from) => {
    const centre = await backend.fresh();
    const db = openCentreDb(centre.location);
    migrateSqlite(db, T0, from);
    db.prepare("INSERT INTO panels (panel, category, created_at) VALUES ('P1', 'SP4', ?)").run(T0);
    const insert = db.prepare("INSERT INTO frames (panel, seq, kid, sent, received_at, receiver, payload, frame) VALUES (?, ?, ?, ?, ?, 'r1', ?, ?)");
    for (const r of oldRows) insert.run(r.panel, r.seq, r.kid, T0, T0, JSON.stringify(r.payload), r.frame);
    db.close();
    const s = (await centre.open()) as SqliteCentreStore;
    expect(await s.schemaVersion()).toBe(SQLITE_SCHEMA_VERSION);
    expect(await s.leadership("supervision", { holder: "r1" }).poll()).toBe(true); // the v2 leases table
    await expectEvidenceKept(s, async () => (s.store.db.prepare("SELECT count(*) AS n FROM signed_frames").get() as { n: number }).n);
    expect(() => s.store.db.prepare("UPDATE frames SET evidence = 99 WHERE seq = 0").run()).toThrow(/FOREIGN KEY/);
    // ...and CentreStore opens the migrated file as it is.
    const again = CentreStore.open(centre.location);
    expect(again.frames.count()).toBe(5);
    expect(Buffer.from(again.frames.evidence("P1", 3)!).equals(Buffer.from(alarmFrame))).toBe(true);
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
