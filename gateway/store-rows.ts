/**
 * The shapes of the rows the gateway reads back from its SQLite file, as zod schemas, and the one
 * check every read goes through. A row that does not fit (a damaged file, a hand edit, a schema from
 * another version) is a GatewayError "store-corrupt" naming the table, at the read, instead of a wrong
 * value travelling on and failing later somewhere unrelated.
 */
import { z } from "zod";
import { CommandResult, Event, Heartbeat } from "../protocol/index.js";
import { GatewayError } from "./errors.js";

const Int = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
const Prio = z.int().min(0).max(3);

/** items: the outbox (database.ts). `kind` 0 event, 1 command result, 2 heartbeat. */
export const ItemRow = z.object({ seq: Int, prio: Prio, kind: z.literal([0, 1, 2]), body: z.string(), queued: z.number() });
export type ItemRow = z.infer<typeof ItemRow>;
export const ItemRowWithBytes = ItemRow.extend({ bytes: Int });
export const DeletedItemRow = z.object({ prio: Prio, bytes: Int });
export const ClassCountRow = z.object({ prio: Prio, n: Int, b: Int });
export const MaxSeqRow = z.object({ m: Int.nullable() });
/** The lowest pending seq (null: none) and how many items are pending. */
export const LowestRow = z.object({ m: Int.nullable(), n: Int });
export const SeqRow = z.object({ seq: Int });
export const QueuedRow = z.object({ queued: z.number() });
/** meta: small persisted integers (the sequence high-water mark, the link-loss time). */
export const MetaRow = z.object({ v: z.int() });
/** executed: ids of commands already executed (only their presence is read). */
export const ExecutedRow = z.object({ 1: z.literal(1) });

/** The body of an items row, by kind: checked by the same schemas that admitted it. */
export const ITEM_BODY = [Event, CommandResult, Heartbeat] as const;

/** Check a row read from `table`; throws GatewayError "store-corrupt". */
export function checkRow<T>(schema: z.ZodType<T>, table: string, row: unknown): T {
  const r = schema.safeParse(row);
  if (r.success) return r.data;
  throw corrupt(table, r.error.issues.map((i) => `${i.path.join(".") || "row"}: ${i.message}`).join("; "));
}

/**
 * checkRow(ItemRow, "items", row) by hand, for the hot path (every row the send window peeks): a row
 * that passes is returned as it is; any other goes through zod, whose verdict and message stand.
 */
export function checkItemRow(row: unknown): ItemRow {
  if (typeof row === "object" && row !== null) {
    const { seq, prio, kind, body, queued } = row as Record<string, unknown>;
    if (
      Number.isSafeInteger(seq) &&
      (seq as number) >= 0 &&
      (prio === 0 || prio === 1 || prio === 2 || prio === 3) &&
      (kind === 0 || kind === 1 || kind === 2) &&
      typeof body === "string" &&
      Number.isFinite(queued)
    ) {
      return row as ItemRow;
    }
  }
  return checkRow(ItemRow, "items", row);
}

/** Like checkRow, for a query that may find no row. */
export function checkOptionalRow<T>(schema: z.ZodType<T>, table: string, row: unknown): T | undefined {
  return row === undefined ? undefined : checkRow(schema, table, row);
}

export function corrupt(table: string, message: string): GatewayError {
  return new GatewayError("store-corrupt", `table ${table}: ${message}`);
}
