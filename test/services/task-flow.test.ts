/** The task-order rule for every sequence of outcomes (fast-check), and duress straight from the intake. */
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { AlarmIntake } from "../../simulator/centre/services/alarm-intake.js";
import type { Task } from "../../simulator/centre/services/incident-schema.js";
import { ALLOWED_OUTCOMES, afterOutcome } from "../../simulator/centre/services/task-flow.js";
import { TestNotices } from "../../simulator/centre/services/test-notices.js";
import { deskFixture } from "./desk.js";

const KINDS = ["call-contact", "call-contact", "call-contact", "guard", "police", "notify"] as const;

function tasks(): Task[] {
  return KINDS.map((kind, i) => ({
    id: i + 1,
    incidentId: 1,
    step: kind === "call-contact" ? 0 : i,
    kind,
    target: {},
    state: i === 0 ? "open" : "pending",
    outcome: null,
    note: null,
    ref: null,
    operator: null,
    updatedAt: 0,
  }));
}

describe("task flow, for any sequence of outcomes", () => {
  it("at most one task is worked at a time, tasks run in order, and a finished task never reopens", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 20 }), (choices) => {
        let ts = tasks();
        for (const c of choices) {
          const current = ts.find((t) => t.state === "open" || t.state === "in-progress");
          if (!current) break;
          const options = ALLOWED_OUTCOMES[current.kind];
          const changes = afterOutcome(ts, current.id, options[c % options.length]!);
          const before = new Map(ts.map((t) => [t.id, t.state]));
          ts = ts.map((t) => {
            const ch = changes.find((x) => x.id === t.id);
            return ch ? { ...t, state: ch.state, outcome: ch.outcome ?? t.outcome } : t;
          });
          for (const t of ts) if (before.get(t.id) === "done" || before.get(t.id) === "cancelled") expect(t.state).toBe(before.get(t.id));
          expect(ts.filter((t) => t.state === "open" || t.state === "in-progress").length).toBeLessThanOrEqual(1);
          const firstPending = ts.findIndex((t) => t.state === "pending");
          if (firstPending >= 0) expect(ts.slice(firstPending).every((t) => t.state === "pending" || t.state === "cancelled")).toBe(true);
        }
      }),
    );
  });
});

let close = () => {};
afterEach(() => close());

describe("duress from the panel", () => {
  it("a duress code (121) opens a hold-up incident whose first task is the police, not the premises", async () => {
    const f = await deskFixture();
    close = f.close;
    await f.desk.plans.set("sup1", f.id, { "hold-up": [{ kind: "police" }, { kind: "call-premises", phone: "+49 30 9999" }] });
    const intake = new AlarmIntake(f.reg, f.desk, new TestNotices(f.ctx));
    const r = await intake.event({ panel: "P1", code: 121, qualifier: 1, area: 1, user: 2, at: f.clock.now() });
    expect(r.kind).toBe("incident");
    if (r.kind === "incident") expect(r.incident).toMatchObject({ cls: "hold-up", key: "121:u2", tasks: [{ kind: "police", state: "open" }, { kind: "call-premises", state: "pending" }] });
  });
});
