/**
 * The operator's view of a panel that numbers its frames from 0 again (its outbox was lost or replaced):
 * one open "trouble" alarm per panel, however many of its frames come back `reused`, through the store's
 * open-alarm index (a second raise while it is open joins it). EN 50131-1 8.8: a fault of the alarm
 * transmission is reported; the events themselves are not lost, the panel renumbers and resends them.
 */
import { Priority } from "../../../protocol/index.js";
import type { AlarmsPort } from "../store-pg/port.js";

export function raiseSequenceRestartedAlarm(alarms: AlarmsPort, panel: string, at: number, seq: number, next: number): Promise<{ id: number; created: boolean }> {
  return alarms.raise({
    panel,
    kind: "trouble",
    key: "sequence-restarted",
    title: `sequence restarted: the panel's outbox was lost or replaced (${panel})`,
    priority: Priority.Urgent,
    at,
    note: `seq ${seq} already held other content; told to number on from ${next}`,
  });
}
