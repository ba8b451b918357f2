/** Service tickets: a fault present past its persistence time opens one; the restore or an operator closes it. */
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import { TEST_SCRYPT } from "../../simulator/centre/services/secret-hash.js";
import { Services } from "../../simulator/centre/services/services.js";
import { simulatedPorts } from "../../simulator/centre/services/simulated-ports.js";
import { freshServicesDb } from "../support/services-store.js";
import { T0 } from "./fixture.js";

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of stops.splice(0)) await f();
});
const HOUR = 3_600_000;

async function setup() {
  const { db, close } = await freshServicesDb();
  const clock = new FakeClock(T0);
  const s = await Services.open(db, clock, simulatedPorts(clock), { scrypt: TEST_SCRYPT });
  const inst = await s.installations.create("sup", { name: "Shop", address: "2 Main Street", timeZone: "Europe/Berlin", lastInspection: "2025-03-02" });
  await s.installations.attachPanel("sup", inst.id, "P1");
  await s.start();
  stops.push(async () => {
    await s.stop();
    await close();
  });
  const ev = async (code: number, q: 1 | 3, zone?: number) => await s.intake.event({ panel: "P1", code, qualifier: q, area: zone === undefined ? 0 : 1, ...(zone !== undefined ? { zone } : {}), at: clock.now() });
  const advance = (ms: number) => clock.advanceSettling(ms, () => s.settled());
  return { s, clock, id: inst.id, ev, advance };
}

describe("fault persistence", () => {
  it("AC loss: no ticket 1 ms before an hour, a support ticket at the hour", async () => {
    const f = await setup();
    await f.ev(301, 1);
    await f.advance(HOUR - 1);
    expect(await f.s.tickets.list()).toEqual([]);
    await f.advance(1);
    expect(await f.s.tickets.list()).toMatchObject([{ fault: "ac-loss", route: "support", state: "open", openedAt: T0 + HOUR, panel: "P1" }]);
  });

  it("AC restored 1 ms before the hour: no ticket, ever", async () => {
    const f = await setup();
    await f.ev(301, 1);
    await f.advance(HOUR - 1);
    await f.ev(301, 3);
    await f.advance(10 * HOUR);
    expect(await f.s.tickets.list()).toEqual([]);
  });

  it("the restore closes an open ticket; a new fault afterwards opens a new one", async () => {
    const f = await setup();
    await f.ev(144, 1, 5); // sensor tamper zone 5: a technician visit
    await f.advance(15 * 60_000);
    const [t] = await f.s.tickets.list("open");
    expect(t).toMatchObject({ fault: "tamper", route: "visit", key: "144:z5" });
    await f.advance(1000);
    await f.ev(144, 3, 5);
    expect(await f.s.tickets.get(t!.id)).toMatchObject({ state: "closed", closeReason: "restored", closedBy: "system" });
    await f.ev(144, 1, 5);
    await f.advance(15 * 60_000);
    expect(await f.s.tickets.list("open")).toHaveLength(1);
  });

  it("an operator closes a ticket by hand, once; the route can be changed by a supervisor", async () => {
    const f = await setup();
    await f.ev(302, 1);
    await f.advance(HOUR);
    const [t] = await f.s.tickets.list("open");
    expect((await f.s.tickets.setRoute("sam", t!.id, "support")).route).toBe("support");
    expect(await f.s.tickets.close("oli", t!.id, "battery replaced by the customer")).toMatchObject({ state: "closed", closeReason: "by-hand", closedBy: "oli" });
    await expect(f.s.tickets.close("oli", t!.id)).rejects.toThrow(expect.objectContaining({ code: "conflict" }));
    // A closed ticket is routed nowhere any more: its route stays as it was closed, nothing audited.
    await expect(f.s.tickets.setRoute("sam", t!.id, "visit")).rejects.toThrow(expect.objectContaining({ code: "conflict" }));
    expect((await f.s.tickets.get(t!.id)).route).toBe("support");
    expect((await f.s.ctx.audit.list({ entity: "ticket", entityId: t!.id }))[0]).toMatchObject({ action: "ticket.close", after: { note: "battery replaced by the customer" } });
  });

  it("a transmission fault opens a ticket at once; the panel's next traffic closes it", async () => {
    const f = await setup();
    await f.s.tickets.transmissionFault(f.id, "P1", f.clock.now());
    expect(await f.s.tickets.list("open")).toMatchObject([{ fault: "supervision", key: "transmission" }]);
    await f.advance(1000);
    await f.s.tickets.heard("P1", f.clock.now());
    expect(await f.s.tickets.list("open")).toEqual([]);
  });

  it("a repeated fault report while it is present does not open a second ticket", async () => {
    const f = await setup();
    await f.ev(350, 1);
    await f.advance(10 * 60_000);
    await f.ev(350, 6 as 1);
    await f.advance(10 * 60_000);
    expect(await f.s.tickets.list()).toHaveLength(1);
    expect((await f.s.tickets.list())[0]!.openedAt).toBe(T0 + 15 * 60_000);
  });
});
