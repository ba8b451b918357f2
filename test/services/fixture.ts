/** A services context on an empty database (test/support/services-store.ts) with fake time, and a registered installation. */
import { FakeClock } from "../../protocol/clock.js";
import { Installations } from "../../simulator/centre/services/installations.js";
import { TEST_SCRYPT, type ScryptParams } from "../../simulator/centre/services/secret-hash.js";
import { servicesContext, type ServicesContext } from "../../simulator/centre/services/services-context.js";
import { freshServicesDb } from "../support/services-store.js";

/** 2026-03-02 09:00 UTC, a Monday. */
export const T0 = Date.UTC(2026, 2, 2, 9, 0);

export async function freshContext(start = T0, scrypt: ScryptParams = TEST_SCRYPT): Promise<{ ctx: ServicesContext; clock: FakeClock; close: () => Promise<void> }> {
  const { db, close } = await freshServicesDb();
  const clock = new FakeClock(start);
  const ctx = await servicesContext(db, clock, scrypt);
  return { ctx, clock, close };
}

export async function addInstallation(ctx: ServicesContext, opts: { panel?: string; dispatchIncluded?: boolean; timeZone?: string } = {}) {
  const reg = new Installations(ctx);
  const inst = await reg.create("admin", { name: "Bakery Miller", address: "1 Main Street", timeZone: opts.timeZone ?? "Europe/Berlin", dispatchIncluded: opts.dispatchIncluded ?? false });
  await reg.attachPanel("admin", inst.id, opts.panel ?? "P1");
  await reg.setContacts("admin", inst.id, [
    { name: "Anna Miller", phone: "+49 30 1111" },
    { name: "Ben Miller", phone: "+49 30 2222" },
  ]);
  await reg.setCallerPassword("admin", inst.id, "bread-2026");
  return { reg, id: inst.id };
}
