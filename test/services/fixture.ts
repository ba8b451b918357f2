/** A services context on an empty in-memory database with fake time, and a registered installation. */
import Database from "better-sqlite3";
import { FakeClock } from "../../protocol/clock.js";
import { Installations } from "../../simulator/centre/services/installations.js";
import { TEST_SCRYPT, type ScryptParams } from "../../simulator/centre/services/secret-hash.js";
import { servicesContext, type ServicesContext } from "../../simulator/centre/services/services-context.js";

/** 2026-03-02 09:00 UTC, a Monday. */
export const T0 = Date.UTC(2026, 2, 2, 9, 0);

export function freshContext(start = T0, scrypt: ScryptParams = TEST_SCRYPT): { ctx: ServicesContext; clock: FakeClock; close: () => void } {
  const db = new Database(":memory:");
  const clock = new FakeClock(start);
  const ctx = servicesContext(db, clock, scrypt);
  return { ctx, clock, close: () => db.close() };
}

export function addInstallation(ctx: ServicesContext, opts: { panel?: string; dispatchIncluded?: boolean; timeZone?: string } = {}) {
  const reg = new Installations(ctx);
  const inst = reg.create("admin", { name: "Bakery Miller", address: "1 Main Street", timeZone: opts.timeZone ?? "Europe/Berlin", dispatchIncluded: opts.dispatchIncluded ?? false });
  reg.attachPanel("admin", inst.id, opts.panel ?? "P1");
  reg.setContacts("admin", inst.id, [
    { name: "Anna Miller", phone: "+49 30 1111" },
    { name: "Ben Miller", phone: "+49 30 2222" },
  ]);
  reg.setCallerPassword("admin", inst.id, "bread-2026");
  return { reg, id: inst.id };
}
