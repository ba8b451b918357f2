/** A customer cancels by phone: caller password with lockout; false alarms are not billed, dispatches are. */
import { afterEach, describe, expect, it } from "vitest";
import { CallerCancel } from "../../simulator/centre/services/caller-cancel.js";
import { installationReport, reportCsv } from "../../simulator/centre/services/installation-report.js";
import { deskFixture, ETA, ON_SITE } from "./desk.js";

let close = () => {};
afterEach(() => close());

const LOCK = 15 * 60_000;

async function setup() {
  const f = await deskFixture();
  close = f.close;
  const cancel = new CallerCancel(f.ctx, f.reg, f.desk, f.guard, { limit: 3, lockoutMs: LOCK });
  const alarm = async (zone = 3) => (await f.desk.open({ installationId: f.id, panel: "P1", cls: "burglary", key: `130:z${zone}`, title: `burglary zone ${zone}`, at: f.clock.now() })).incident;
  return { ...f, cancel, alarm };
}

describe("cancellation by the customer", () => {
  it("a wrong caller password is refused and counted; the right one then closes the alarm as a false alarm, not billed", async () => {
    const f = await setup();
    const inc = await f.alarm();
    await expect(f.cancel.cancel("op1", inc.id, "cake-2026")).rejects.toMatchObject({ code: "wrong-password", field: "password" });
    expect((await f.desk.get(inc.id)).state).toBe("open");
    expect((await f.ctx.audit.list({ entity: "incident", entityId: inc.id }))[0]).toMatchObject({ action: "caller.wrong-password", actor: "op1", after: { wrong: 1 } });
    const closed = await f.cancel.cancel("op1", inc.id, "bread-2026");
    expect(closed).toMatchObject({ state: "closed", outcome: "false-alarm", cancelledByCustomer: true, closedBy: "op1" });
    expect(closed.tasks.every((t) => t.state === "cancelled" && t.outcome === "cancelled-by-customer")).toBe(true);
    expect(await f.desk.book.billing(f.id, 0, Number.MAX_SAFE_INTEGER)).toEqual([]);
  });

  it("locks out after 3 wrong passwords: even the right one is refused until the lock ends (1 ms before: locked; at the end: accepted)", async () => {
    const f = await setup();
    const inc = await f.alarm();
    await expect(f.cancel.cancel("op1", inc.id, "wrong-1")).rejects.toMatchObject({ code: "wrong-password" });
    await expect(f.cancel.cancel("op1", inc.id, "wrong-2")).rejects.toMatchObject({ code: "wrong-password" });
    await expect(f.cancel.cancel("op1", inc.id, "wrong-3")).rejects.toMatchObject({ code: "locked-out", detail: { until: f.clock.now() + LOCK } });
    await f.advance(LOCK - 1);
    await expect(f.cancel.cancel("op1", inc.id, "bread-2026")).rejects.toMatchObject({ code: "locked-out" });
    await f.advance(1);
    expect((await f.cancel.cancel("op1", inc.id, "bread-2026")).outcome).toBe("false-alarm");
  });

  it("a right password resets the count of wrong ones", async () => {
    const f = await setup();
    await expect(f.cancel.cancel("op1", (await f.alarm(1)).id, "wrong-1")).rejects.toMatchObject({ code: "wrong-password" });
    await expect(f.cancel.cancel("op1", (await f.alarm(2)).id, "wrong-2")).rejects.toMatchObject({ code: "wrong-password" });
    await f.cancel.cancel("op1", (await f.alarm(3)).id, "bread-2026");
    await expect(f.cancel.cancel("op1", (await f.alarm(4)).id, "wrong-3")).rejects.toMatchObject({ code: "wrong-password" });
  });

  it("a cancellation after the guard left is still billed, and the guard is recalled", async () => {
    const f = await setup();
    const inc = await f.alarm();
    await f.desk.record("op1", inc.tasks[0]!.id, "answered");
    await f.desk.run("op1", inc.tasks[2]!.id);
    await f.advance(60_000);
    const closed = await f.cancel.cancel("op1", inc.id, "bread-2026");
    expect(closed.outcome).toBe("false-alarm");
    expect(await f.desk.book.billing(f.id, 0, Number.MAX_SAFE_INTEGER)).toHaveLength(1);
    await f.advance(ETA + ON_SITE);
    expect((await f.desk.get(inc.id)).tasks[2]!.outcome).toBe("cancelled-by-customer"); // no report after the recall
  });

  it("refuses a cancellation of a closed incident, and an empty password as bad input", async () => {
    const f = await setup();
    const inc = await f.alarm();
    await expect(f.cancel.cancel("op1", inc.id, "")).rejects.toMatchObject({ code: "bad-input", field: "password" });
    await f.cancel.cancel("op1", inc.id, "bread-2026");
    await expect(f.cancel.cancel("op1", inc.id, "bread-2026")).rejects.toMatchObject({ code: "conflict" });
  });
});

describe("installation report", () => {
  it("counts alarms, tests, false alarms, cancellations, dispatches and billable items in [from, to)", async () => {
    const f = await setup();
    const from = f.clock.now();
    const a = await f.alarm(1); // cancelled by the customer
    await f.cancel.cancel("op1", a.id, "bread-2026");
    const b = await f.alarm(2); // guard dispatched, billed, then handled
    await f.desk.record("op1", b.tasks[0]!.id, "answered");
    await f.desk.run("op1", b.tasks[2]!.id);
    await f.advance(ETA + ON_SITE);
    await f.desk.close("op1", b.id);
    const c = await f.alarm(3); // judged false by the operator
    await f.desk.close("op1", c.id, { falseAlarm: true });
    await f.desk.open({ installationId: f.id, panel: "P1", cls: "burglary", key: "t", title: "=SUM(A1) walk test", at: f.clock.now(), test: true });
    await f.advance(1);
    const to = f.clock.now();
    await f.alarm(4); // after the period
    const r = await installationReport(f.desk.book, f.id, from, to);
    expect(r.totals).toEqual({ alarms: 3, tests: 1, falseAlarms: 2, cancellations: 1, dispatches: 1, billableItems: 1 });
    const csv = reportCsv(r).split("\r\n");
    expect(csv[0]).toBe("incident,opened_at,class,title,outcome,cancelled_by_customer,guard_dispatched,billable_items");
    expect(csv[2]).toBe(`${b.id},${new Date(b.openedAt).toISOString()},burglary,burglary zone 2,handled,false,true,1`);
    expect(csv[4]).toContain(",'=SUM(A1) walk test,test,");
    expect(csv).toHaveLength(6); // header, 4 rows, trailing empty
  });
});
