/** Announced test windows: alarms inside are recorded as tests and never dispatched; the window ends by itself. */
import { afterEach, describe, expect, it } from "vitest";
import { AlarmIntake } from "../../simulator/centre/services/alarm-intake.js";
import { TestNotices } from "../../simulator/centre/services/test-notices.js";
import { deskFixture } from "./desk.js";

let close = () => {};
afterEach(() => close());

async function setup() {
  const f = await deskFixture();
  close = f.close;
  const notices = new TestNotices(f.ctx);
  const intake = new AlarmIntake(f.reg, f.desk, notices);
  const trip = async (zone: number, code = 130) => await intake.event({ panel: "P1", code, qualifier: 1, area: 1, zone, at: f.clock.now() });
  return { ...f, notices, intake, trip };
}

const HOUR = 3_600_000;

describe("test notice window", () => {
  it("an alarm at the window's last millisecond is a test; at its end it is an alarm again", async () => {
    const f = await setup();
    const n = await f.notices.announce("installer", f.id, { start: f.clock.now(), durationMs: HOUR });
    await f.advance(HOUR - 1);
    const inside = await f.trip(3);
    expect(inside.kind).toBe("test");
    if (inside.kind === "test") expect(inside.incident).toMatchObject({ state: "closed", outcome: "test", tasks: [] });
    await f.advance(1);
    const after = await f.trip(3);
    expect(after.kind).toBe("incident");
    if (after.kind === "incident") expect(after.incident.tasks.length).toBeGreaterThan(0);
    expect(await f.notices.active(f.id, f.clock.now())).toEqual([]);
    expect((await f.notices.get(n.id)).end).toBe(n.start + HOUR);
  });

  it("an alarm 1 ms before the announced start is handled normally", async () => {
    const f = await setup();
    await f.notices.announce("customer", f.id, { start: f.clock.now() + 1, durationMs: HOUR });
    expect((await f.trip(3)).kind).toBe("incident");
    await f.advance(1);
    expect((await f.trip(4)).kind).toBe("test");
  });

  it("an alarm outside the announced zones is handled normally", async () => {
    const f = await setup();
    await f.notices.announce("installer", f.id, { start: f.clock.now(), durationMs: HOUR, zones: [3, 4] });
    expect((await f.trip(4)).kind).toBe("test");
    expect((await f.trip(5)).kind).toBe("incident");
  });

  it("an alarm of a class not announced is handled normally (fire during a burglary test)", async () => {
    const f = await setup();
    await f.notices.announce("installer", f.id, { start: f.clock.now(), durationMs: HOUR, classes: ["burglary"] });
    expect((await f.trip(3, 130)).kind).toBe("test");
    expect((await f.trip(3, 110)).kind).toBe("incident");
  });

  it("never dispatches a guard for a test alarm", async () => {
    const f = await setup();
    await f.notices.announce("installer", f.id, { start: f.clock.now(), durationMs: HOUR });
    await f.trip(3);
    expect(await f.desk.queue()).toEqual([]);
    expect(f.guard.dispatched).toEqual([]);
  });

  it("a cancelled notice stops covering from its cancellation on", async () => {
    const f = await setup();
    const n = await f.notices.announce("installer", f.id, { start: f.clock.now(), durationMs: HOUR });
    await f.advance(1000);
    await f.notices.cancel("installer", n.id);
    expect((await f.trip(3)).kind).toBe("incident");
    await expect(f.notices.cancel("installer", n.id)).rejects.toThrow(expect.objectContaining({ code: "conflict" }));
  });

  it("refuses a window already over, a zero duration and an unknown class, naming the field", async () => {
    const f = await setup();
    await expect(f.notices.announce("c", f.id, { start: f.clock.now() - HOUR, durationMs: HOUR })).rejects.toThrow(expect.objectContaining({ code: "bad-input", field: "start" }));
    await expect(f.notices.announce("c", f.id, { start: f.clock.now(), durationMs: 0 })).rejects.toThrow(expect.objectContaining({ code: "bad-input", field: "durationMs" }));
    await expect(f.notices.announce("c", f.id, { start: f.clock.now(), durationMs: HOUR, classes: ["party" as "fire"] })).rejects.toThrow(expect.objectContaining({ code: "bad-input", field: "classes.0" }));
    expect(await f.notices.list(f.id)).toEqual([]);
  });
});

describe("tests reported by the panel", () => {
  it("a walk test (607) is recorded as a test and never dispatched, without any notice", async () => {
    const f = await setup();
    const r = await f.intake.event({ panel: "P1", code: 607, qualifier: 1, area: 1, zone: 3, at: f.clock.now() });
    expect(r.kind).toBe("test");
    expect(await f.desk.queue()).toEqual([]);
  });

  it("a periodic test report is passed on, not an incident; an unknown panel is ignored", async () => {
    const f = await setup();
    expect((await f.intake.event({ panel: "P1", code: 602, qualifier: 1, area: 0, at: f.clock.now() })).kind).toBe("passed-on");
    expect((await f.intake.event({ panel: "P9", code: 130, qualifier: 1, area: 1, zone: 1, at: f.clock.now() })).kind).toBe("unregistered");
  });
});
