/** The services' schema: migrations from an empty database, refusal of a newer one, audit of every write. */
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { MIGRATIONS } from "../../simulator/centre/services/migrations.js";
import { migrateServices } from "../../simulator/centre/services/services-db.js";
import { ServicesError } from "../../simulator/centre/services/services-error.js";
import { Installations } from "../../simulator/centre/services/installations.js";
import { addInstallation, freshContext } from "./fixture.js";

let close = () => {};
afterEach(() => close());

describe("services schema migrations", () => {
  it("apply every migration to an empty database, once, in order", () => {
    const db = new Database(":memory:");
    close = () => db.close();
    const latest = Math.max(...MIGRATIONS.map((m) => m.version));
    expect(migrateServices(db)).toBe(latest);
    const versions = (db.prepare("SELECT version FROM svc_schema_version ORDER BY version").all() as { version: number }[]).map((r) => r.version);
    expect(versions).toEqual(MIGRATIONS.map((m) => m.version));
    expect(migrateServices(db)).toBe(latest); // reopening is a no-op
    expect((db.prepare("SELECT COUNT(*) AS n FROM svc_schema_version").get() as { n: number }).n).toBe(MIGRATIONS.length);
  });

  it("apply only the migrations newer than the recorded version", () => {
    const db = new Database(":memory:");
    close = () => db.close();
    migrateServices(db, MIGRATIONS.slice(0, 1));
    expect(migrateServices(db)).toBe(MIGRATIONS.at(-1)!.version);
  });

  it("refuse a database written by a newer build (schema-too-new), and leave it untouched", () => {
    const db = new Database(":memory:");
    close = () => db.close();
    migrateServices(db);
    db.prepare("INSERT INTO svc_schema_version (version, name, applied_at) VALUES (999, 'future', 0)").run();
    expect(() => migrateServices(db)).toThrow(expect.objectContaining({ code: "schema-too-new" }));
  });

  it("a failing migration leaves nothing half-applied", () => {
    const db = new Database(":memory:");
    close = () => db.close();
    migrateServices(db);
    const bad = [...MIGRATIONS, { version: 1000, name: "broken", sql: "CREATE TABLE svc_x (a INTEGER); CREATE TABLE svc_x (a INTEGER);" }];
    expect(() => migrateServices(db, bad)).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'svc_x'").get()).toBeUndefined();
    expect(db.prepare("SELECT version FROM svc_schema_version WHERE version = 1000").get()).toBeUndefined();
  });
});

describe("installation registry", () => {
  it("audits every write with who, when, before and after", () => {
    const f = freshContext();
    close = f.close;
    const { reg, id } = addInstallation(f.ctx);
    f.clock.advance(60_000);
    reg.update("sup1", id, { notes: "key safe at the back door" });
    const [last] = f.ctx.audit.list({ entity: "installation", entityId: id });
    expect(last).toMatchObject({ actor: "sup1", action: "installation.update", at: f.clock.now(), before: { notes: "" }, after: { notes: "key safe at the back door" } });
  });

  it("a patch changes only the fields it names", () => {
    const f = freshContext();
    close = f.close;
    const reg = new Installations(f.ctx);
    const i = reg.create("admin", { name: "Shop", address: "2 Main Street", timeZone: "Europe/Berlin", dispatchIncluded: true, lastInspection: "2025-05-01" });
    const after = reg.update("sup1", i.id, { notes: "dog on site" });
    expect(after).toMatchObject({ notes: "dog on site", dispatchIncluded: true, lastInspection: "2025-05-01", name: "Shop" });
  });

  it("stores the caller password as a salted scrypt hash only, and never audits it", () => {
    const f = freshContext();
    close = f.close;
    const { reg, id } = addInstallation(f.ctx);
    expect(reg.callerPasswordHash(id)).toMatch(/^scrypt\$/);
    const dump = JSON.stringify(f.ctx.db.prepare("SELECT * FROM svc_audit").all()) + JSON.stringify(f.ctx.db.prepare("SELECT * FROM svc_installations").all());
    expect(dump).not.toContain("bread-2026");
    expect(reg.get(id).hasCallerPassword).toBe(true);
  });

  it("versions the contacts: the list in force at an alarm's time stays readable after a change", () => {
    const f = freshContext();
    close = f.close;
    const { reg, id } = addInstallation(f.ctx);
    const alarmAt = f.clock.now();
    f.clock.advance(1000);
    reg.setContacts("sup1", id, [{ name: "Carla New", phone: "+49 30 3333" }]);
    expect(reg.contactsAt(id, alarmAt)?.body.map((c) => c.name)).toEqual(["Anna Miller", "Ben Miller"]);
    expect(reg.contactsAt(id, f.clock.now())?.body.map((c) => c.name)).toEqual(["Carla New"]);
    expect(reg.contactsAt(id, f.clock.now() - 1)?.version).toBe(1);
    expect(reg.contactsAt(id, f.clock.now())?.version).toBe(2);
  });

  it("refuses bad input with a typed error naming the field, and writes nothing", () => {
    const f = freshContext();
    close = f.close;
    const reg = new Installations(f.ctx);
    const err = (() => {
      try {
        reg.create("admin", { name: "X", address: "Y", timeZone: "Mars/Olympus" });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ServicesError);
    expect(err).toMatchObject({ code: "bad-input", field: "timeZone" });
    expect(reg.list()).toEqual([]);
    expect(f.ctx.audit.list()).toEqual([]);
  });

  it("a panel belongs to one installation; a second attach is a conflict and changes nothing", () => {
    const f = freshContext();
    close = f.close;
    const { reg, id } = addInstallation(f.ctx);
    const other = reg.create("admin", { name: "Other", address: "2 Main Street", timeZone: "Europe/Berlin" });
    expect(() => reg.attachPanel("admin", other.id, "P1")).toThrow(expect.objectContaining({ code: "conflict", field: "panel" }));
    expect(reg.byPanel("P1")).toBe(id);
    expect(reg.get(other.id).panels).toEqual([]);
  });

  it("lists installations due for the annual inspection: due on the anniversary, not the day before", () => {
    const f = freshContext(Date.UTC(2026, 5, 10, 12));
    close = f.close;
    const { reg, id } = addInstallation(f.ctx);
    reg.recordInspection("tech", id, "2025-06-10");
    expect(reg.dueInspections(Date.UTC(2026, 5, 9, 12), 0)).toEqual([]);
    expect(reg.dueInspections(Date.UTC(2026, 5, 10, 12), 0).map((d) => d.dueDate)).toEqual(["2026-06-10"]);
    expect(reg.dueInspections(Date.UTC(2026, 5, 9, 12), 1).map((d) => d.installation.id)).toEqual([id]);
    expect(() => reg.recordInspection("tech", id, "2025-13-01")).toThrow(expect.objectContaining({ code: "bad-input", field: "date" }));
  });
});
