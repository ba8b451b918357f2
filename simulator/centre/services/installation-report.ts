/**
 * The per-installation report for a period [from, to): alarms, false alarms, customer cancellations,
 * guard dispatches and billable items, as JSON and as CSV (one row per incident, so a spreadsheet can
 * sum any column).
 */
import { z } from "zod";
import type { IncidentBook } from "./incident-book.js";

export const ReportRow = z.strictObject({
  incident: z.int(),
  openedAt: z.int(),
  cls: z.string(),
  title: z.string(),
  outcome: z.string().nullable(),
  cancelledByCustomer: z.boolean(),
  guardDispatched: z.boolean(),
  billableItems: z.int(),
});
export type ReportRow = z.infer<typeof ReportRow>;

export const InstallationReport = z.strictObject({
  installationId: z.int(),
  from: z.int(),
  to: z.int(),
  totals: z.strictObject({
    alarms: z.int(),
    tests: z.int(),
    falseAlarms: z.int(),
    cancellations: z.int(),
    dispatches: z.int(),
    billableItems: z.int(),
  }),
  rows: z.array(ReportRow),
  billing: z.array(z.strictObject({ id: z.int(), incidentId: z.int().nullable(), kind: z.string(), at: z.int(), note: z.string() })),
});
export type InstallationReport = z.infer<typeof InstallationReport>;

export async function installationReport(book: IncidentBook, installationId: number, from: number, to: number): Promise<InstallationReport> {
  const incidents = await book.list({ installationId, from, to });
  const billing = await book.billing(installationId, from, to);
  const rows: ReportRow[] = incidents.map((i) => ({
    incident: i.id,
    openedAt: i.openedAt,
    cls: i.cls,
    title: i.title,
    outcome: i.outcome,
    cancelledByCustomer: i.cancelledByCustomer,
    guardDispatched: i.tasks.some((t) => t.kind === "guard" && t.ref !== null),
    billableItems: billing.filter((b) => b.incidentId === i.id).length,
  }));
  const alarms = rows.filter((r) => r.outcome !== "test");
  return {
    installationId,
    from,
    to,
    totals: {
      alarms: alarms.length,
      tests: rows.length - alarms.length,
      falseAlarms: rows.filter((r) => r.outcome === "false-alarm").length,
      cancellations: rows.filter((r) => r.cancelledByCustomer).length,
      dispatches: rows.filter((r) => r.guardDispatched).length,
      billableItems: billing.length,
    },
    rows,
    billing: billing.map((b) => ({ id: b.id, incidentId: b.incidentId, kind: b.kind, at: b.at, note: b.note })),
  };
}

/** RFC 4180 CSV; a cell that a spreadsheet would run as a formula (=, +, -, @) is prefixed with '. */
export function reportCsv(r: InstallationReport): string {
  const cell = (v: string | number | boolean | null): string => {
    let s = v === null ? "" : String(v);
    if (/^[=+\-@]/.test(s) && typeof v === "string") s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  const head = ["incident", "opened_at", "class", "title", "outcome", "cancelled_by_customer", "guard_dispatched", "billable_items"];
  const lines = r.rows.map((x) => [x.incident, new Date(x.openedAt).toISOString(), x.cls, x.title, x.outcome, x.cancelledByCustomer, x.guardDispatched, x.billableItems].map(cell).join(","));
  return [head.join(","), ...lines].join("\r\n") + "\r\n";
}
