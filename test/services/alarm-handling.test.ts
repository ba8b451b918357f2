/**
 * Taking an alarm and the EN 50518 alarm-handling figure: the share of alarms taken by an operator within
 * 30 s and within 60 s, both sides of each limit, in fake time; the queue in priority-then-age order.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AlarmHandling } from "../../simulator/centre/services/alarm-handling.js";
import { apiFixture, type ApiFixture } from "./api-fixture.js";

let f: ApiFixture;
let inst: number;
beforeEach(async () => {
  f = await apiFixture();
  inst = (await f.services.installations.create("bootstrap", { name: "Bakery Miller", address: "1 Main Street", timeZone: "Europe/Berlin" })).id;
  await f.services.installations.attachPanel("bootstrap", inst, "P1");
});
afterEach(async () => await f.close());

const alarm = async (code: number, zone: number) => {
  const r = await f.services.intake.event({ panel: "P1", code, qualifier: 1, area: 1, zone, at: f.clock.now() });
  if (r.kind !== "incident") throw new Error(`no incident: ${r.kind}`);
  return r.incident.id;
};

describe("taking an alarm", () => {
  it("the first operator to take it holds it; another's take is a conflict; one's own again is the same take", async () => {
    const id = await alarm(130, 1);
    const first = await f.call("oli", "POST", `/api/incidents/${id}/take`);
    expect(first.json()).toMatchObject({ incidentId: id, by: "oli" });
    expect((await f.call("sam", "POST", `/api/incidents/${id}/take`)).json()).toMatchObject({ error: "conflict" });
    await f.advance(5_000);
    expect((await f.call("oli", "POST", `/api/incidents/${id}/take`)).json()).toEqual(first.json());
  });

  it("the queue lists open alarms by priority, then age, with the event text and who took them", async () => {
    const fire = await alarm(110, 4);
    await f.advance(1_000);
    const burglary = await alarm(130, 1);
    await f.advance(1_000);
    const panic = await alarm(120, 2);
    await f.call("oli", "POST", `/api/incidents/${burglary}/take`);
    const q = (await f.call("oli", "GET", "/api/queue")).json();
    expect(q.map((x: { incident: { id: number } }) => x.incident.id)).toEqual([burglary, panic, fire]);
    expect(q[0]).toMatchObject({ code: 130, eventName: "burglary", zone: 1, installation: { name: "Bakery Miller" }, take: { by: "oli" } });
    expect(q[1]).toMatchObject({ code: 120, eventName: "panic", zone: 2, take: null });
  });
});

describe("EN 50518 alarm-handling figure", () => {
  it("taken at 30 s counts within 30 s, at 30.001 s only within 60 s; at 60.001 s it is missed", async () => {
    const a = await alarm(130, 1);
    const b = await alarm(130, 2);
    const c = await alarm(130, 3);
    await f.advance(30_000);
    await f.call("oli", "POST", `/api/incidents/${a}/take`);
    await f.advance(1);
    await f.call("oli", "POST", `/api/incidents/${b}/take`);
    await f.advance(30_000);
    await f.call("oli", "POST", `/api/incidents/${c}/take`);
    const o = (await f.call("sam", "GET", "/api/supervisor/overview")).json();
    expect(o.handling).toMatchObject({ alarms: 3, within30s: 1, within60s: 2 });
    expect(o.handling.missed.map((m: { incidentId: number }) => m.incidentId)).toEqual([c]);
    expect(o.onDuty.map((d: { username: string }) => d.username)).toEqual(["oli", "sam"]);
  });

  it("an alarm not taken is not judged while inside a limit, counts against it once past; missed at 60.001 s", async () => {
    const a = await alarm(130, 1);
    const figure = async () => (await f.call("sam", "GET", "/api/supervisor/overview")).json().handling;
    await f.advance(30_000);
    expect(await figure()).toMatchObject({ alarms: 1, share30s: 1, share60s: 1, missed: [] });
    await f.advance(1);
    expect(await figure()).toMatchObject({ share30s: 0, share60s: 1, missed: [] });
    await f.advance(29_999);
    expect((await figure()).missed).toEqual([]);
    await f.advance(1);
    expect(await figure()).toMatchObject({ share30s: 0, share60s: 0, missed: [{ incidentId: a, takenAt: null }] });
  });

  it("the overview is for supervisors", async () => {
    expect((await f.call("oli", "GET", "/api/supervisor/overview")).statusCode).toBe(403);
  });
});

describe("the takes of many incidents", () => {
  it("are read in slices of 500 ids: a take at the 500th and at the 501st id are both found", async () => {
    const a = await alarm(130, 1);
    const b = await alarm(130, 2);
    await f.call("oli", "POST", `/api/incidents/${a}/take`);
    await f.call("sam", "POST", `/api/incidents/${b}/take`);
    const absent = Array.from({ length: 499 }, (_, k) => 1_000_000 + k);
    const takes = await new AlarmHandling(f.services.ctx, f.services.desk).takesOf([...absent, a, b]);
    expect([...takes.values()].map((t) => [t.incidentId, t.by])).toEqual([
      [a, "oli"],
      [b, "sam"],
    ]);
  });
});
