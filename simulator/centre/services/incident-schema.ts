/** Incidents (what an alarm becomes at the centre) and their operator tasks, as zod schemas and types. */
import { z } from "zod";

export const INCIDENT_CLASSES = ["burglary", "hold-up", "fire", "technical", "tamper", "supervision", "arm-schedule"] as const;
export type IncidentClass = (typeof INCIDENT_CLASSES)[number];

export const TaskKind = z.enum(["call-contact", "call-premises", "guard", "police", "fire-brigade", "notify"]);
export type TaskKind = z.infer<typeof TaskKind>;
export const TaskState = z.enum(["pending", "open", "in-progress", "done", "cancelled"]);
export type TaskState = z.infer<typeof TaskState>;
/** What an operator (or a provider behind a port) records for a task. */
export const TaskOutcome = z.enum(["answered", "no-answer", "cancelled-by-customer", "guard-on-site", "guard-report", "sent", "skipped", "closed"]);
export type TaskOutcome = z.infer<typeof TaskOutcome>;

export const TaskTarget = z.strictObject({
  name: z.string().optional(),
  phone: z.string().optional(),
  channel: z.enum(["sms", "email"]).optional(),
  to: z.string().optional(),
});
export type TaskTarget = z.infer<typeof TaskTarget>;

export const Task = z.strictObject({
  id: z.int(),
  incidentId: z.int(),
  step: z.int(),
  kind: TaskKind,
  target: TaskTarget,
  state: TaskState,
  outcome: TaskOutcome.nullable(),
  note: z.string().nullable(),
  ref: z.string().nullable(),
  operator: z.string().nullable(),
  updatedAt: z.int(),
});
export type Task = z.infer<typeof Task>;

export const IncidentState = z.enum(["open", "closed"]);
export const IncidentOutcome = z.enum(["handled", "false-alarm", "test"]);
export type IncidentOutcome = z.infer<typeof IncidentOutcome>;

export const Incident = z.strictObject({
  id: z.int(),
  installationId: z.int(),
  panel: z.string().nullable(),
  centreAlarmId: z.int().nullable(),
  cls: z.enum(INCIDENT_CLASSES),
  key: z.string(),
  title: z.string(),
  state: IncidentState,
  outcome: IncidentOutcome.nullable(),
  openedAt: z.int(),
  closedAt: z.int().nullable(),
  closedBy: z.string().nullable(),
  planVersion: z.int().nullable(),
  contactsVersion: z.int().nullable(),
  /** Closed because the customer called to cancel (with the right caller password). */
  cancelledByCustomer: z.boolean(),
  tasks: z.array(Task),
});
export type Incident = z.infer<typeof Incident>;
