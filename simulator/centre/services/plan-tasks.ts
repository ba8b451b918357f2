/**
 * From the plan steps in force to the operator's task list. Pure. A call-contacts step becomes one task
 * per contact available at the alarm's local time (all of them when nobody is), in the agreed order.
 */
import type { Contact } from "./installation-schema.js";
import type { IncidentClass, TaskKind, TaskTarget } from "./incident-schema.js";
import type { PlanStep } from "./plan-schema.js";
import { parseHhmm } from "./zoned-time.js";

export interface TaskSpec {
  readonly step: number;
  readonly kind: TaskKind;
  readonly target: TaskTarget;
}

export function availableAt(c: Contact, localMinutes: number): boolean {
  if (!c.availability) return true;
  const from = parseHhmm(c.availability.from);
  const to = parseHhmm(c.availability.to);
  return from <= to ? localMinutes >= from && localMinutes < to : localMinutes >= from || localMinutes < to; // over midnight
}

export function planTasks(cls: IncidentClass, steps: readonly PlanStep[], contacts: readonly Contact[], localMinutes: number): TaskSpec[] {
  let ordered = [...steps];
  // Hold-up and duress: never the premises first (the plan schema refuses it; this also guards plans
  // written before that rule), so a leading premises call moves behind the first other step.
  if (cls === "hold-up" && ordered[0]?.kind === "call-premises" && ordered.length > 1) ordered = [ordered[1]!, ordered[0], ...ordered.slice(2)];
  const available = contacts.filter((c) => availableAt(c, localMinutes));
  const callees = available.length > 0 ? available : contacts;
  const out: TaskSpec[] = [];
  ordered.forEach((s, step) => {
    switch (s.kind) {
      case "call-contacts":
        for (const c of callees) out.push({ step, kind: "call-contact", target: { name: c.name, phone: c.phone } });
        break;
      case "call-premises":
        out.push({ step, kind: "call-premises", target: { phone: s.phone } });
        break;
      case "guard":
        out.push({ step, kind: "guard", target: {} });
        break;
      case "police":
        out.push({ step, kind: "police", target: { phone: s.phone } });
        break;
      case "fire-brigade":
        out.push({ step, kind: "fire-brigade", target: { phone: s.phone } });
        break;
      case "notify": {
        const to = s.to ?? callees.map((c) => (s.channel === "sms" ? c.phone : c.email)).find((x) => x !== undefined);
        out.push({ step, kind: "notify", target: { channel: s.channel, ...(to !== undefined ? { to } : {}) } });
        break;
      }
      default: {
        const never: never = s;
        return never;
      }
    }
  });
  return out;
}
