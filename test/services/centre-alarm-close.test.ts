/**
 * An incident closed by the services closes the centre's operator-queue alarm behind it, as the operator
 * who closed the incident, so /api/alarms and the open-alarm count agree with the incidents; an alarm
 * another operator holds is left to that operator. On each store (test/support/services-store.ts).
 */
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import { closeCentreAlarmsWithIncidents } from "../../simulator/centre/services/centre-alarm-close.js";
import { TEST_SCRYPT } from "../../simulator/centre/services/secret-hash.js";
import { servicesDbOf } from "../../simulator/centre/services/services-db-of.js";
import { Services } from "../../simulator/centre/services/services.js";
import { simulatedPorts } from "../../simulator/centre/services/simulated-ports.js";
import type { CentreStorePort } from "../../simulator/centre/store-pg/port.js";
import { freshCentreStore } from "../support/services-store.js";
import { T0 } from "./fixture.js";

let centre: CentreStorePort | undefined;
afterEach(async () => {
  await centre?.close();
  centre = undefined;
});

async function setup() {
  centre = await freshCentreStore();
  const clock = new FakeClock(T0);
  await centre.registry.addPanel("P1", "SP4", clock.now());
  const services = await Services.open(servicesDbOf(centre), clock, simulatedPorts(clock), { scrypt: TEST_SCRYPT });
  const inst = await services.installations.create("admin", { name: "Shop", address: "2 Main Street", timeZone: "Europe/Berlin" });
  await services.installations.attachPanel("admin", inst.id, "P1");
  const follow = closeCentreAlarmsWithIncidents(services, centre);
  const c = centre;
  const alarmFor = async (zone: number) => {
    const key = `130:z${zone}`;
    const { id } = await c.alarms.raise({ panel: "P1", kind: "event", key, title: `burglary zone ${zone}`, priority: 1, at: clock.now() });
    const { incident } = await services.desk.open({ installationId: inst.id, panel: "P1", centreAlarmId: id, cls: "burglary", key, title: `burglary zone ${zone}`, at: clock.now() });
    return { alarmId: id, incidentId: incident.id };
  };
  return { centre: c, services, follow, alarmFor };
}

describe("closing an incident closes the centre alarm behind it", () => {
  it("as the operator who closed the incident, with a note naming it; a false alarm alike", async () => {
    const f = await setup();
    const a = await f.alarmFor(1);
    await f.services.desk.close("oli", a.incidentId);
    await f.follow.idle();
    expect(await f.centre.alarms.get(a.alarmId)).toMatchObject({ state: "closed", operator: "oli" });
    expect((await f.centre.alarms.entries(a.alarmId)).at(-1)).toMatchObject({ state: "closed", operator: "oli", note: `closed with incident #${a.incidentId} (handled)` });

    const b = await f.alarmFor(2);
    await f.services.desk.close("oli", b.incidentId, { falseAlarm: true });
    await f.follow.idle();
    expect(await f.centre.alarms.get(b.alarmId)).toMatchObject({ state: "closed" });
    expect((await f.centre.alarms.list()).map((x) => x.id)).toEqual([]); // nothing left open
    f.follow.stop();
  });

  it("an alarm recorded as a test (inside a test notice) closes its centre alarm once tied; an open incident is tied first", async () => {
    const f = await setup();
    const inst = (await f.services.installations.byPanel("P1"))!;
    const key = "130:z4";
    // As the receiver adapter runs it: the frame's events first (a test incident, closed at once), then
    // the centre alarm the same frame raised.
    const t = (await f.services.desk.open({ installationId: inst, panel: "P1", cls: "burglary", key, title: "burglary zone 4 (test notice 1)", at: T0, test: true })).incident;
    const { id: alarmId } = await f.centre.alarms.raise({ panel: "P1", kind: "event", key, title: "burglary zone 4", priority: 1, at: T0 });
    await f.services.desk.linkCentreAlarm(inst, key, alarmId);
    await f.follow.idle();
    expect(await f.services.desk.get(t.id)).toMatchObject({ state: "closed", outcome: "test", centreAlarmId: alarmId });
    expect((await f.centre.alarms.entries(alarmId)).at(-1)).toMatchObject({ state: "closed", operator: "system", note: `closed with incident #${t.id} (test)` });

    // A real incident open beside a newer test one of the same key, neither tied yet: the real one is.
    const k2 = "130:z6";
    const real = (await f.services.desk.open({ installationId: inst, panel: "P1", cls: "burglary", key: k2, title: "burglary zone 6", at: T0 })).incident;
    const t2 = (await f.services.desk.open({ installationId: inst, panel: "P1", cls: "burglary", key: k2, title: "burglary zone 6 (test notice 1)", at: T0, test: true })).incident;
    const { id: a2 } = await f.centre.alarms.raise({ panel: "P1", kind: "event", key: k2, title: "burglary zone 6", priority: 1, at: T0 });
    await f.services.desk.linkCentreAlarm(inst, k2, a2);
    await f.follow.idle();
    expect((await f.services.desk.get(real.id)).centreAlarmId).toBe(a2);
    expect((await f.services.desk.get(t2.id)).centreAlarmId).toBeNull();
    expect(await f.centre.alarms.get(a2)).toMatchObject({ state: "new" });
    f.follow.stop();
  });

  it("an alarm another operator holds in the queue is left to that operator", async () => {
    const f = await setup();
    const a = await f.alarmFor(3);
    await f.centre.alarms.transition(a.alarmId, "take", "sam", T0, null);
    await f.services.desk.close("oli", a.incidentId);
    await f.follow.idle();
    expect(await f.centre.alarms.get(a.alarmId)).toMatchObject({ state: "taken", operator: "sam" });
    f.follow.stop();
  });
});
