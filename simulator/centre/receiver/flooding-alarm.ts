/**
 * The operator's view of a flooding episode (flood-guard.ts): one alarm per panel while it is open; a
 * new episode while it is still open joins it with a note, as the supervisor's reminders do.
 */
import { Priority } from "../../../protocol/index.js";
import type { AlarmsPort } from "../store-pg/port.js";

export function raiseFloodingAlarm(alarms: AlarmsPort, panel: string, at: number): Promise<{ id: number; created: boolean }> {
  return alarms.raise({
    panel,
    kind: "flooding",
    key: "flooding",
    title: `flooding: ${panel} sends frames that do not verify; dropped unverified while over budget (check its broker certificate)`,
    priority: Priority.Urgent,
    at,
    note: "flooding episode started",
  });
}
