/** Action plans: tasks in the plan's order, contacts until one answers, the guard on the clock, billing. */
import { afterEach, describe, expect, it } from "vitest";
import { ServicesError } from "../../simulator/centre/services/services-error.js";
import { planTasks } from "../../simulator/centre/services/plan-tasks.js";
import { deskFixture, ETA, ON_SITE } from "./desk.js";

let close = () => {};
afterEach(() => close());

async function setup(opts: { dispatchIncluded?: boolean } = {}) {
  const f = await deskFixture(opts);
  close = f.close;
  return f;
}
const burglary = async (f: Awaited<ReturnType<typeof setup>>) =>
  (await f.desk.open({ installationId: f.id, panel: "P1", cls: "burglary", key: "130:z3", title: "burglary zone 3", at: f.clock.now() })).incident;

describe("action plan tasks", () => {
  it("a burglary follows the default plan: contacts in order, then the guard; one task open at a time", async () => {
    const f = await setup();
    const inc = await burglary(f);
    expect(inc.tasks.map((t) => [t.kind, t.target.name ?? null, t.state])).toEqual([
      ["call-contact", "Anna Miller", "open"],
      ["call-contact", "Ben Miller", "pending"],
      ["guard", null, "pending"],
    ]);
  });

  it("no answer moves to the next contact; an answer skips the rest of the call step", async () => {
    const f = await setup();
    const inc = await burglary(f);
    let now = await f.desk.record("op1", inc.tasks[0]!.id, "no-answer");
    expect(now.tasks.map((t) => t.state)).toEqual(["done", "open", "pending"]);
    now = await f.desk.record("op1", inc.tasks[1]!.id, "answered");
    expect(now.tasks.map((t) => t.state)).toEqual(["done", "done", "open"]);
  });

  it("an answer from the first contact skips the second one", async () => {
    const f = await setup();
    const inc = await burglary(f);
    const r = await f.desk.record("op1", inc.tasks[0]!.id, "answered");
    expect(r.tasks.map((t) => [t.state, t.outcome])).toEqual([
      ["done", "answered"],
      ["cancelled", "skipped"],
      ["open", null],
    ]);
  });

  it("refuses an outcome the task cannot have, and one for a task that is not open", async () => {
    const f = await setup();
    const inc = await burglary(f);
    await expect(f.desk.record("op1", inc.tasks[0]!.id, "guard-report")).rejects.toThrow(expect.objectContaining({ code: "bad-input", field: "outcome" }));
    await expect(f.desk.record("op1", inc.tasks[1]!.id, "answered")).rejects.toThrow(expect.objectContaining({ code: "conflict" }));
    await expect(f.desk.record("op1", inc.tasks[0]!.id, "maybe")).rejects.toThrow(expect.objectContaining({ code: "bad-input", field: "outcome" }));
    expect((await f.desk.get(inc.id)).tasks[0]!.state).toBe("open");
  });

  it("a second report of the same alarm joins the open incident, with no new tasks", async () => {
    const f = await setup();
    const a = await burglary(f);
    const b = await f.desk.open({ installationId: f.id, panel: "P1", cls: "burglary", key: "130:z3", title: "burglary zone 3", at: f.clock.now() });
    expect(b.created).toBe(false);
    expect(b.incident.id).toBe(a.id);
    expect(b.incident.tasks).toHaveLength(3);
  });

  it("the plan in force when the alarm came stays with the incident after the plan changes", async () => {
    const f = await setup();
    await f.desk.plans.set("sup1", f.id, { burglary: [{ kind: "guard" }] });
    const inc = await burglary(f);
    await f.advance(1000);
    await f.desk.plans.set("sup1", f.id, { burglary: [{ kind: "call-contacts" }, { kind: "police" }] });
    expect(inc.planVersion).toBe(1);
    expect((await f.desk.plans.version(f.id, inc.planVersion!))?.body.burglary).toEqual([{ kind: "guard" }]);
    expect((await f.desk.plans.at(f.id, f.clock.now()))?.version).toBe(2);
  });
});

describe("hold-up and duress never call the premises first", () => {
  it("a plan whose hold-up steps start with the premises call is refused, naming the step", async () => {
    const f = await setup();
    let err: unknown;
    try {
      await f.desk.plans.set("sup1", f.id, { "hold-up": [{ kind: "call-premises", phone: "+49 30 9999" }, { kind: "police" }] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ServicesError);
    expect(err).toMatchObject({ code: "bad-input", field: "plan.hold-up.0" });
    expect(await f.desk.plans.at(f.id, f.clock.now())).toBeUndefined();
  });

  it("the premises call may come later in a hold-up plan; a duress alarm starts with the police", async () => {
    const f = await setup();
    await f.desk.plans.set("sup1", f.id, { "hold-up": [{ kind: "police" }, { kind: "call-premises", phone: "+49 30 9999" }] });
    const inc = (await f.desk.open({ installationId: f.id, panel: "P1", cls: "hold-up", key: "121:u2", title: "duress user 2", at: f.clock.now() })).incident;
    expect(inc.tasks.map((t) => t.kind)).toEqual(["police", "call-premises"]);
  });

  it("a stored plan written before the rule is reordered when its tasks are made", () => {
    const specs = planTasks("hold-up", [{ kind: "call-premises", phone: "+1 555" }, { kind: "police", phone: "110" }], [], 600);
    expect(specs.map((s) => s.kind)).toEqual(["police", "call-premises"]);
    expect(planTasks("burglary", [{ kind: "call-premises", phone: "+1 555" }], [], 600)[0]!.kind).toBe("call-premises");
  });
});

describe("contact availability (site local time)", () => {
  it("a contact available 08:00-18:00 is called at 17:59 local, skipped at 18:00", async () => {
    const f = await setup();
    await f.reg.setContacts("sup1", f.id, [
      { name: "Day", phone: "+49 1", availability: { from: "08:00", to: "18:00" } },
      { name: "Night", phone: "+49 2", availability: { from: "18:00", to: "08:00" } },
    ]);
    // 2026-03-02 is winter time in Berlin: 17:59 local = 16:59 UTC.
    const at1759 = Date.UTC(2026, 2, 2, 16, 59);
    const a = (await f.desk.open({ installationId: f.id, panel: "P1", cls: "technical", key: "a", title: "t", at: at1759 })).incident;
    expect(a.tasks.map((t) => t.target.name)).toEqual(["Day"]);
    const b = (await f.desk.open({ installationId: f.id, panel: "P1", cls: "technical", key: "b", title: "t", at: at1759 + 60_000 })).incident;
    expect(b.tasks.map((t) => t.target.name)).toEqual(["Night"]);
  });
});

describe("ports", () => {
  it("running a call task dials through the telephony port and records its answer", async () => {
    const f = await setup();
    f.telephony.answer("+49 30 2222");
    const inc = await burglary(f);
    let now = await f.desk.run("op1", inc.tasks[0]!.id);
    expect(now.tasks[0]).toMatchObject({ outcome: "no-answer", state: "done" });
    now = await f.desk.run("op1", inc.tasks[1]!.id);
    expect(now.tasks[1]).toMatchObject({ outcome: "answered", operator: "op1" });
    expect(f.telephony.calls.map((c) => c.to)).toEqual(["+49 30 1111", "+49 30 2222"]);
  });

  it("a notify step sends through the messenger port", async () => {
    const f = await setup();
    await f.desk.plans.set("sup1", f.id, { technical: [{ kind: "notify", channel: "sms" }] });
    const inc = (await f.desk.open({ installationId: f.id, panel: "P1", cls: "technical", key: "301", title: "AC loss", at: f.clock.now() })).incident;
    const now = await f.desk.run("op1", inc.tasks[0]!.id);
    expect(f.messenger.sent).toEqual([{ channel: "sms", to: "+49 30 1111", text: "Alarm at Bakery Miller: AC loss" }]);
    expect(now.tasks[0]!.outcome).toBe("sent");
  });

  it("a failing provider gives port-failed and writes nothing", async () => {
    const f = await setup();
    f.telephony.dial = async () => {
      throw new Error("SIP trunk down");
    };
    const inc = await burglary(f);
    await expect(f.desk.run("op1", inc.tasks[0]!.id)).rejects.toMatchObject({ code: "port-failed" });
    expect((await f.desk.get(inc.id)).tasks[0]!.state).toBe("open");
  });
});

describe("guard dispatch", () => {
  async function toGuard(f: Awaited<ReturnType<typeof setup>>) {
    const inc = await burglary(f);
    await f.desk.record("op1", inc.tasks[0]!.id, "answered");
    return { inc, after: await f.desk.run("op1", inc.tasks[2]!.id) };
  }

  it("the guard is on site at the ETA (not 1 ms before), reports after the time on site, and the plan ends", async () => {
    const f = await setup();
    const { inc, after } = await toGuard(f);
    expect(after.tasks[2]).toMatchObject({ state: "in-progress", ref: "guard-1" });
    await f.advance(ETA - 1);
    expect((await f.desk.get(inc.id)).tasks[2]!.outcome).toBeNull();
    await f.advance(1);
    expect((await f.desk.get(inc.id)).tasks[2]).toMatchObject({ state: "in-progress", outcome: "guard-on-site" });
    await f.advance(ON_SITE - 1);
    expect((await f.desk.get(inc.id)).tasks[2]!.outcome).toBe("guard-on-site");
    await f.advance(1);
    expect((await f.desk.get(inc.id)).tasks[2]).toMatchObject({ state: "done", outcome: "guard-report", note: "window broken at the back, police informed" });
    expect((await f.desk.get(inc.id)).state).toBe("open"); // closed by the operator
    expect((await f.desk.close("op1", inc.id)).outcome).toBe("handled");
  });

  it("creates a billing record at dispatch when the subscription does not include dispatch", async () => {
    const f = await setup();
    const { inc } = await toGuard(f);
    expect(await f.desk.book.billing(f.id, 0, Number.MAX_SAFE_INTEGER)).toMatchObject([{ kind: "guard-dispatch", incidentId: inc.id, at: f.clock.now() }]);
  });

  it("creates none when the subscription includes dispatch", async () => {
    const f = await setup({ dispatchIncluded: true });
    await toGuard(f);
    expect(await f.desk.book.billing(f.id, 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
    expect(f.guard.dispatched).toHaveLength(1);
  });
});
