/**
 * What the outbox holds: an item (event, command result or heartbeat), its record with sequence number
 * and class, and the way a stored row becomes a record again, checked by the schema of its kind.
 */
import { Priority, eventDef, type CommandResult, type Event, type Heartbeat } from "../protocol/index.js";
import { GatewayError } from "./errors.js";
import { isEvent } from "../protocol/event-guard.js";
import { corrupt, ITEM_BODY, type ItemRow } from "./store-rows.js";

export type OutboxItem =
  | { readonly kind: "event"; readonly event: Event }
  | { readonly kind: "result"; readonly result: CommandResult }
  | { readonly kind: "heartbeat"; readonly heartbeat: Heartbeat };

export const KIND_CODE = { event: 0, result: 1, heartbeat: 2 } as const;

export interface OutboxRecord {
  readonly seq: number;
  readonly prio: Priority;
  readonly item: OutboxItem;
  /** Local time it was queued, ms. */
  readonly queued: number;
}

/** Command results share the trouble class: the centre operator is waiting for them. */
const RESULT_PRIORITY = Priority.Urgent;
export function itemPriority(item: OutboxItem): Priority {
  if (item.kind === "result") return RESULT_PRIORITY;
  if (item.kind === "heartbeat") return Priority.Routine;
  const d = eventDef(item.event.code);
  if (!d) throw new GatewayError("bad-event", `unknown Contact ID code ${item.event.code}`);
  return d.priority;
}

/** An items row as a record; its body is checked by the schema of its kind (store-rows.ts). */
export function toRecord(r: ItemRow): OutboxRecord {
  let json: unknown;
  try {
    json = JSON.parse(r.body);
  } catch {
    throw corrupt("items", `seq ${r.seq}: body is not JSON`);
  }
  // Events (nearly every row) by the hand-written guard; anything it refuses, and the other kinds, by zod.
  if (r.kind === KIND_CODE.event && isEvent(json)) return { seq: r.seq, prio: r.prio as Priority, item: { kind: "event", event: json }, queued: r.queued };
  const body = ITEM_BODY[r.kind].safeParse(json);
  if (!body.success) throw corrupt("items", `seq ${r.seq}: ${body.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const item: OutboxItem =
    r.kind === KIND_CODE.event
      ? { kind: "event", event: body.data as Event }
      : r.kind === KIND_CODE.result
        ? { kind: "result", result: body.data as CommandResult }
        : { kind: "heartbeat", heartbeat: body.data as Heartbeat };
  return { seq: r.seq, prio: r.prio as Priority, item, queued: r.queued };
}
