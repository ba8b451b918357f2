/**
 * The rule that walks an incident's tasks in order, pure: given the tasks and one recorded outcome,
 * which tasks change. One task is worked at a time; an answered contact call skips the rest of that
 * call step; a guard stays in progress from dispatch until the report.
 */
import type { Task, TaskOutcome, TaskState } from "./incident-schema.js";
import { ServicesError } from "./services-error.js";

export interface TaskChange {
  readonly id: number;
  readonly state: TaskState;
  readonly outcome?: TaskOutcome;
}

/** Outcomes an operator may record for each kind of task (a guard's come from the guard service). */
export const ALLOWED_OUTCOMES: Record<Task["kind"], readonly TaskOutcome[]> = {
  "call-contact": ["answered", "no-answer"],
  "call-premises": ["answered", "no-answer"],
  guard: ["guard-on-site", "guard-report"],
  police: ["answered", "no-answer"],
  "fire-brigade": ["answered", "no-answer"],
  notify: ["sent"],
};

export function afterOutcome(tasks: readonly Task[], taskId: number, outcome: TaskOutcome): TaskChange[] {
  const t = tasks.find((x) => x.id === taskId);
  if (!t) throw new ServicesError("not-found", `no task ${taskId} on this incident`);
  if (!ALLOWED_OUTCOMES[t.kind].includes(outcome)) throw new ServicesError("bad-input", `a ${t.kind} task cannot end ${outcome}`, "outcome");
  if (t.state !== "open" && t.state !== "in-progress") throw new ServicesError("conflict", `task ${taskId} is ${t.state}`);
  if (outcome === "guard-on-site") return [{ id: t.id, state: "in-progress", outcome }];
  const changes: TaskChange[] = [{ id: t.id, state: "done", outcome }];
  const skipped = new Set<number>();
  if (t.kind === "call-contact" && outcome === "answered") {
    for (const x of tasks) if (x.step === t.step && x.state === "pending") (changes.push({ id: x.id, state: "cancelled", outcome: "skipped" }), skipped.add(x.id));
  }
  const next = tasks.find((x) => x.state === "pending" && !skipped.has(x.id));
  if (next) changes.push({ id: next.id, state: "open" });
  return changes;
}

/** Closing an incident ends every task still pending, open or in progress. */
export function closeAll(tasks: readonly Task[], outcome: TaskOutcome): TaskChange[] {
  return tasks.filter((x) => x.state === "pending" || x.state === "open" || x.state === "in-progress").map((x) => ({ id: x.id, state: "cancelled" as const, outcome }));
}
