/** The services' schema: migrations from an empty database, refusal of a newer one, audit of every write (on each store). */
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import { TEST_SCRYPT } from "../../simulator/centre/services/secret-hash.js";
import { servicesContext } from "../../simulator/centre/services/services-context.js";
import { MIGRATIONS } from "../../simulator/centre/services/migrations.js";
import { PG_SERVICES_MIGRATIONS } from "../../simulator/centre/services/pg-services-migrations.js";
import { ServicesError } from "../../simulator/centre/services/services-error.js";
import { Installations } from "../../simulator/centre/services/installations.js";
import { Documents } from "../../simulator/centre/services/documents.js";
import { z } from "zod";
import { freshServicesDb, SERVICES_STORE } from "../support/services-store.js";
import { addInstallation, freshContext } from "./fixture.js";

let close = async () => {};
afterEach(async () => await close());

/** This store's own migration list (PostgreSQL's is derived from SQLite's). */
const migrations = SERVICES_STORE === "postgres" ? PG_SERVICES_MIGRATIONS : MIGRATIONS;

async function emptyDb() {
  const t = await freshServicesDb();
  close = t.close;
  return t.db;
}

describe("services schema migrations", () => {
  it("apply every migration to an empty database, once, in order", async () => {
    const db = await emptyDb();
    const latest = Math.max(...migrations.map((m) => m.version));
    expect(await db.migrate(0)).toBe(latest);
    const versions = (await db.all<{ version: number }>("SELECT version FROM svc_schema_version ORDER BY version")).map((r) => r.version);
    expect(versions).toEqual(migrations.map((m) => m.version));
    expect(await db.migrate(0)).toBe(latest); // reopening is a no-op
    expect((await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM svc_schema_version"))!.n).toBe(migrations.length);
  });

  it("apply only the migrations newer than the recorded version", async () => {
    const db = await emptyDb();
    await db.migrate(0, migrations.slice(0, 1));
    expect((await db.all("SELECT version FROM svc_schema_version")).length).toBe(1);
    expect(await db.migrate(0)).toBe(migrations.at(-1)!.version);
    expect((await db.all("SELECT version FROM svc_schema_version")).length).toBe(migrations.length);
  });

  it("from the previous version with data in it: the last migration applied, the rows kept", async () => {
    const db = await emptyDb();
    const previous = migrations.slice(0, -1);
    expect(await db.migrate(0, previous)).toBe(previous.at(-1)!.version);
    const id = await db.insert("INSERT INTO svc_installations (name, address, time_zone, created_at, updated_at) VALUES (?, ?, ?, ?, ?)", "Shop", "2 Main Street", "Europe/Berlin", 1, 1);
    await db.run("INSERT INTO svc_audit (at, actor, action, entity, entity_id) VALUES (?, ?, ?, ?, ?)", 1, "admin", "installation.create", "installation", String(id));
    expect(await db.migrate(0)).toBe(migrations.at(-1)!.version);
    expect(await db.get("SELECT name, address FROM svc_installations WHERE id = ?", id)).toEqual({ name: "Shop", address: "2 Main Street" });
    expect(await db.all("SELECT actor FROM svc_audit")).toEqual([{ actor: "admin" }]);
    // The last migration's tables are there and usable.
    expect(await db.all("SELECT * FROM svc_tickets")).toEqual([]);
  });

  it("refuse a database written by a newer build (schema-too-new), and leave it untouched", async () => {
    const db = await emptyDb();
    await db.migrate(0);
    await db.run("INSERT INTO svc_schema_version (version, name, applied_at) VALUES (999, 'future', 0)");
    await expect(db.migrate(0)).rejects.toThrow(expect.objectContaining({ code: "schema-too-new" }));
    expect((await db.all("SELECT version FROM svc_schema_version")).length).toBe(migrations.length + 1);
  });

  it("a failing migration leaves nothing half-applied", async () => {
    const db = await emptyDb();
    await db.migrate(0);
    const bad = [...migrations, { version: 1000, name: "broken", sql: "CREATE TABLE svc_x (a INTEGER); CREATE TABLE svc_x (a INTEGER);" }];
    await expect(db.migrate(0, bad)).rejects.toThrow();
    await expect(db.all("SELECT * FROM svc_x")).rejects.toThrow();
    expect(await db.get("SELECT version FROM svc_schema_version WHERE version = 1000")).toBeUndefined();
  });

  it("two processes migrating one empty database at once apply each migration once", async () => {
    const t = await freshServicesDb();
    close = t.close;
    const other = t.reopen();
    const [a, b] = await Promise.all([t.db.migrate(0), other.migrate(0)]);
    expect(a).toBe(b);
    expect((await t.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM svc_schema_version"))!.n).toBe(migrations.length);
  });
});

describe("installation registry", () => {
  it("audits every write with who, when, before and after", async () => {
    const f = await freshContext();
    close = f.close;
    const { reg, id } = await addInstallation(f.ctx);
    f.clock.advance(60_000);
    await reg.update("sup1", id, { notes: "key safe at the back door" });
    const [last] = await f.ctx.audit.list({ entity: "installation", entityId: id });
    expect(last).toMatchObject({ actor: "sup1", action: "installation.update", at: f.clock.now(), before: { notes: "" }, after: { notes: "key safe at the back door" } });
  });

  it("a patch that changes nothing writes nothing: no audit row, updatedAt kept", async () => {
    const f = await freshContext();
    close = f.close;
    const reg = new Installations(f.ctx);
    const i = await reg.create("admin", { name: "Shop", address: "2 Main Street", timeZone: "Europe/Berlin" });
    f.clock.advance(60_000);
    expect(await reg.update("sup1", i.id, {})).toEqual(i);
    expect(await reg.update("sup1", i.id, { name: "Shop", address: "2 Main Street" })).toEqual(i);
    expect((await f.ctx.audit.list({ entity: "installation", entityId: i.id })).map((e) => e.action)).toEqual(["installation.create"]);
    expect((await reg.update("sup1", i.id, { name: "Shop 2" })).updatedAt).toBe(f.clock.now());
  });

  it("a patch changes only the fields it names", async () => {
    const f = await freshContext();
    close = f.close;
    const reg = new Installations(f.ctx);
    const i = await reg.create("admin", { name: "Shop", address: "2 Main Street", timeZone: "Europe/Berlin", dispatchIncluded: true, lastInspection: "2025-05-01" });
    const after = await reg.update("sup1", i.id, { notes: "dog on site" });
    expect(after).toMatchObject({ notes: "dog on site", dispatchIncluded: true, lastInspection: "2025-05-01", name: "Shop" });
  });

  it("stores the caller password as a salted scrypt hash only, and never audits it", async () => {
    const f = await freshContext();
    close = f.close;
    const { reg, id } = await addInstallation(f.ctx);
    expect(await reg.callerPasswordHash(id)).toMatch(/^scrypt\$/);
    const dump = JSON.stringify((await f.ctx.db.all("SELECT * FROM svc_audit"))) + JSON.stringify((await f.ctx.db.all("SELECT * FROM svc_installations")));
    expect(dump).not.toContain("bread-2026");
    expect((await reg.get(id)).hasCallerPassword).toBe(true);
  });

  it("versions the contacts: the list in force at an alarm's time stays readable after a change", async () => {
    const f = await freshContext();
    close = f.close;
    const { reg, id } = await addInstallation(f.ctx);
    const alarmAt = f.clock.now();
    f.clock.advance(1000);
    await reg.setContacts("sup1", id, [{ name: "Carla New", phone: "+49 30 3333" }]);
    expect((await reg.contactsAt(id, alarmAt))?.body.map((c) => c.name)).toEqual(["Anna Miller", "Ben Miller"]);
    expect((await reg.contactsAt(id, f.clock.now()))?.body.map((c) => c.name)).toEqual(["Carla New"]);
    expect((await reg.contactsAt(id, f.clock.now() - 1))?.version).toBe(1);
    expect((await reg.contactsAt(id, f.clock.now()))?.version).toBe(2);
  });

  it("reads the version in force at an instant for every installation in one call, as one by one", async () => {
    const f = await freshContext();
    close = f.close;
    const docs = new Documents(f.ctx.db);
    const reg = new Installations(f.ctx);
    const ids: number[] = [];
    for (const name of ["A", "B", "C"]) ids.push((await reg.create("admin", { name, address: "1 Street", timeZone: "UTC" })).id);
    const put = (id: number, n: number) => f.ctx.db.tx(() => docs.put(id, "schedule", { n }, f.clock.now(), "admin"));
    await put(ids[0]!, 1);
    await put(ids[1]!, 1);
    const t1 = f.clock.now();
    f.clock.advance(1000);
    await put(ids[0]!, 2); // A has a newer version after t1; C has none at all
    const Body = z.object({ n: z.number() });
    for (const at of [t1 - 1, t1, f.clock.now()]) {
      const all = await docs.allAt("schedule", at, Body);
      for (const id of ids) expect(all.get(id)).toEqual(await docs.at(id, "schedule", at, Body));
    }
    expect((await docs.allAt("schedule", t1, Body)).get(ids[0]!)?.body).toEqual({ n: 1 });
    expect((await docs.allAt("schedule", f.clock.now(), Body)).get(ids[0]!)?.body).toEqual({ n: 2 });
    expect((await docs.allAt("plan", f.clock.now(), Body)).size).toBe(0);
  });

  it("refuses bad input with a typed error naming the field, and writes nothing", async () => {
    const f = await freshContext();
    close = f.close;
    const reg = new Installations(f.ctx);
    const err = await (async () => {
      try {
        await reg.create("admin", { name: "X", address: "Y", timeZone: "Mars/Olympus" });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ServicesError);
    expect(err).toMatchObject({ code: "bad-input", field: "timeZone" });
    expect(await reg.list()).toEqual([]);
    expect(await f.ctx.audit.list()).toEqual([]);
  });

  it("a panel belongs to one installation; a second attach is a conflict and changes nothing", async () => {
    const f = await freshContext();
    close = f.close;
    const { reg, id } = await addInstallation(f.ctx);
    const other = await reg.create("admin", { name: "Other", address: "2 Main Street", timeZone: "Europe/Berlin" });
    await expect(reg.attachPanel("admin", other.id, "P1")).rejects.toThrow(expect.objectContaining({ code: "conflict", field: "panel" }));
    expect(await reg.byPanel("P1")).toBe(id);
    expect((await reg.get(other.id)).panels).toEqual([]);
  });

  it("lists installations due for the annual inspection: due on the anniversary, not the day before", async () => {
    const f = await freshContext(Date.UTC(2026, 5, 10, 12));
    close = f.close;
    const { reg, id } = await addInstallation(f.ctx);
    await reg.recordInspection("tech", id, "2025-06-10");
    expect(await reg.dueInspections(Date.UTC(2026, 5, 9, 12), 0)).toEqual([]);
    expect((await reg.dueInspections(Date.UTC(2026, 5, 10, 12), 0)).map((d) => d.dueDate)).toEqual(["2026-06-10"]);
    expect((await reg.dueInspections(Date.UTC(2026, 5, 9, 12), 1)).map((d) => d.installation.id)).toEqual([id]);
    await expect(reg.recordInspection("tech", id, "2025-13-01")).rejects.toThrow(expect.objectContaining({ code: "bad-input", field: "date" }));
  });
});

describe("services transactions (each store)", () => {
  it("an action that fails after writing leaves nothing, not even its audit row", async () => {
    const f = await freshContext();
    close = f.close;
    await expect(
      f.ctx.db.tx(async () => {
        await f.ctx.audit.record({ at: f.clock.now(), actor: "t", action: "x", entity: "installation", entityId: 1 });
        throw new ServicesError("conflict", "changed my mind");
      }),
    ).rejects.toMatchObject({ code: "conflict" });
    expect(await f.ctx.audit.list()).toEqual([]);
  });

  it("two centre processes attaching one panel to two installations at once: one wins, the other is a conflict", async () => {
    const t = await freshServicesDb();
    close = t.close;
    const clock = new FakeClock();
    const a = new Installations(await servicesContext(t.db, clock, TEST_SCRYPT));
    const b = new Installations(await servicesContext(t.reopen(), clock, TEST_SCRYPT));
    const site = { address: "2 Main Street", timeZone: "Europe/Berlin" };
    const [one, two] = [await a.create("admin", { name: "One", ...site }), await b.create("admin", { name: "Two", ...site })];
    for (let round = 0; round < 10; round++) {
      const panel = `R${round}`;
      const results = await Promise.allSettled([a.attachPanel("admin", one.id, panel), b.attachPanel("admin", two.id, panel)]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "conflict", field: "panel" } });
    }
    const panels = [...(await a.get(one.id)).panels, ...(await a.get(two.id)).panels];
    expect(panels.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `R${i}`).sort());
  });
});

describe("services database port (each store)", () => {
  it("a statement outside a transaction never sees the transaction's uncommitted rows", async () => {
    const f = await freshContext();
    close = f.close;
    let inside!: () => void;
    const written = new Promise<void>((r) => (inside = r));
    let finish!: () => void;
    const hold = new Promise<void>((r) => (finish = r));
    const tx = f.ctx.db.tx(async () => {
      await f.ctx.audit.record({ at: 1, actor: "t", action: "held", entity: "installation", entityId: 1 });
      inside();
      await hold;
    });
    await written;
    let answered = false;
    const seen = f.ctx.audit.list().then((rows) => ((answered = true), rows));
    if (SERVICES_STORE === "postgres") {
      // Another connection, read committed: answered at once, without the row.
      expect(await seen).toEqual([]);
    } else {
      // One connection: the read waits for the transaction to end rather than read inside it.
      await new Promise((r) => setImmediate(r));
      expect(answered).toBe(false);
    }
    finish();
    await tx;
    if (SERVICES_STORE === "sqlite") expect(await seen).toHaveLength(1);
    expect(await f.ctx.audit.list()).toHaveLength(1);
  });

  it("a transaction inside a transaction is a savepoint: its failure undoes only its own rows", async () => {
    const f = await freshContext();
    close = f.close;
    const row = (action: string) => f.ctx.audit.record({ at: 1, actor: "t", action, entity: "installation", entityId: 1 });
    await f.ctx.db.tx(async () => {
      await row("outer");
      await expect(
        f.ctx.db.tx(async () => {
          await row("inner");
          throw new ServicesError("conflict", "inner fails");
        }),
      ).rejects.toMatchObject({ code: "conflict" });
      await f.ctx.db.tx(() => row("inner-ok"));
    });
    expect((await f.ctx.audit.list()).map((e) => e.action).sort()).toEqual(["inner-ok", "outer"]);
  });
});

describe("services text order (each store)", () => {
  // The test cluster runs in the C locale, where this holds anyway; on a server in another locale it holds
  // by the columns' COLLATE "C" (pg-services-migrations.ts), whose presence the migration test below checks.
  it("sorts text byte by byte, as SQLite does: upper case before lower", async () => {
    const f = await freshContext();
    close = f.close;
    const { reg, id } = await addInstallation(f.ctx, { panel: "b1" });
    await reg.attachPanel("admin", id, "B2");
    await reg.attachPanel("admin", id, "a3");
    expect((await reg.get(id)).panels).toEqual(["B2", "a3", "b1"]);
  });
});

// Registered on PostgreSQL only (the services-pg project): SQLite has no column collations to check.
if (SERVICES_STORE === "postgres") describe("services schema on PostgreSQL", () => {
  it("every text column compares byte by byte (COLLATE \"C\"), whatever the server's locale", async () => {
    const db = await emptyDb();
    await db.migrate(0);
    const cols = await db.all<{ table_name: string; column_name: string; collation_name: string | null }>(
      "SELECT table_name, column_name, collation_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name LIKE 'svc_%' AND data_type = 'text'",
    );
    expect(cols.length).toBeGreaterThan(20);
    expect(cols.filter((c) => c.collation_name !== "C")).toEqual([]);
  });
});
