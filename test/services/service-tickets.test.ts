/** Service tickets: a fault present past its persistence time opens one; the restore or an operator closes it. */
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import { TEST_SCRYPT } from "../../simulator/centre/services/secret-hash.js";
import { Services } from "../../simulator/centre/services/services.js";
import { simulatedPorts } from "../../simulator/centre/services/simulated-ports.js";
import { T0 } from "./fixture.js";

const stops: (() => void)[] = [];
afterEach(() => stops.splice(0).forEach((f) => f()));
const HOUR = 3_600_000;

function setup() {
  const db = new Database(":memory:");
  const clock = new FakeClock(T0);
  const s = new Services(db, clock, simulatedPorts(clock), { scrypt: TEST_SCRYPT });
  const inst = s.installations.create("sup", { name: "Shop", address: "2 Main Street", timeZone: "Europe/Berlin", lastInspection: "2025-03-02" });
  s.installations.attachPanel("sup", inst.id, "P1");
  s.start();
  stops.push(() => (s.stop(), db.close()));
  const ev = (code: number, q: 1 | 3, zone?: number) => s.intake.event({ panel: "P1", code, qualifier: q, area: zone === undefined ? 0 : 1, ...(zone !== undefined ? { zone } : {}), at: clock.now() });
  return { s, clock, id: inst.id, ev };
}

describe("fault persistence", () => {
  it("AC loss: no ticket 1 ms before an hour, a support ticket at the hour", () => {
    const f = setup();
    f.ev(301, 1);
    f.clock.advance(HOUR - 1);
    expect(f.s.tickets.list()).toEqual([]);
    f.clock.advance(1);
    expect(f.s.tickets.list()).toMatchObject([{ fault: "ac-loss", route: "support", state: "open", openedAt: T0 + HOUR, panel: "P1" }]);
  });

  it("AC restored 1 ms before the hour: no ticket, ever", () => {
    const f = setup();
    f.ev(301, 1);
    f.clock.advance(HOUR - 1);
    f.ev(301, 3);
    f.clock.advance(10 * HOUR);
    expect(f.s.tickets.list()).toEqual([]);
  });

  it("the restore closes an open ticket; a new fault afterwards opens a new one", () => {
    const f = setup();
    f.ev(144, 1, 5); // sensor tamper zone 5: a technician visit
    f.clock.advance(15 * 60_000);
    const [t] = f.s.tickets.list("open");
    expect(t).toMatchObject({ fault: "tamper", route: "visit", key: "144:z5" });
    f.clock.advance(1000);
    f.ev(144, 3, 5);
    expect(f.s.tickets.get(t!.id)).toMatchObject({ state: "closed", closeReason: "restored", closedBy: "system" });
    f.ev(144, 1, 5);
    f.clock.advance(15 * 60_000);
    expect(f.s.tickets.list("open")).toHaveLength(1);
  });

  it("an operator closes a ticket by hand, once; the route can be changed by a supervisor", () => {
    const f = setup();
    f.ev(302, 1);
    f.clock.advance(HOUR);
    const [t] = f.s.tickets.list("open");
    expect(f.s.tickets.setRoute("sam", t!.id, "support").route).toBe("support");
    expect(f.s.tickets.close("oli", t!.id, "battery replaced by the customer")).toMatchObject({ state: "closed", closeReason: "by-hand", closedBy: "oli" });
    expect(() => f.s.tickets.close("oli", t!.id)).toThrow(expect.objectContaining({ code: "conflict" }));
    expect(f.s.ctx.audit.list({ entity: "ticket", entityId: t!.id })[0]).toMatchObject({ action: "ticket.close", after: { note: "battery replaced by the customer" } });
  });

  it("a transmission fault opens a ticket at once; the panel's next traffic closes it", () => {
    const f = setup();
    f.s.tickets.transmissionFault(f.id, "P1", f.clock.now());
    expect(f.s.tickets.list("open")).toMatchObject([{ fault: "supervision", key: "transmission" }]);
    f.clock.advance(1000);
    f.s.tickets.heard("P1", f.clock.now());
    expect(f.s.tickets.list("open")).toEqual([]);
  });

  it("a repeated fault report while it is present does not open a second ticket", () => {
    const f = setup();
    f.ev(350, 1);
    f.clock.advance(10 * 60_000);
    f.ev(350, 6 as 1);
    f.clock.advance(10 * 60_000);
    expect(f.s.tickets.list()).toHaveLength(1);
    expect(f.s.tickets.list()[0]!.openedAt).toBe(T0 + 15 * 60_000);
  });
});
