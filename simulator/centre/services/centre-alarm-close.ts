/**
 * An incident closed by the services closes the centre's own operator-queue alarm behind it (the alarm its
 * frame raised, `centreAlarmId`), so the alarm queue (/api/alarms) and the open-alarm metric agree with the
 * incidents: as the operator who closed the incident, through the queue's own steps (take, handle, close;
 * operator-queue.ts: one transaction each). An alarm another operator holds is left to that operator; one
 * already closed stays as it is. Runs after the incident's commit, on its announcement; a failure is
 * announced as a `failed` event (logged), the incident stays closed.
 */
import { InFlight } from "../receiver/in-flight.js";
import type { Alarm, AlarmAction } from "../store/alarm.js";
import type { Incident } from "./incident-schema.js";
import type { Services } from "./services.js";

export interface CentreAlarms {
  readonly alarms: {
    get(id: number): Promise<Pick<Alarm, "id" | "state" | "operator">>;
    transition(id: number, action: AlarmAction, operator: string, at: number, note: string | null): Promise<unknown>;
  };
}

/** Subscribes to the services' incident announcements; returns the function that unsubscribes. */
export function closeCentreAlarmsWithIncidents(services: Services, centre: CentreAlarms): { stop(): void; idle(): Promise<void> } {
  const pending = new InFlight();
  const on = (i: Incident) => {
    if (i.state !== "closed" || i.centreAlarmId === null) return;
    pending.track(close(services, centre, i, i.centreAlarmId).catch((e: unknown) => void services.ctx.events.emit("failed", "centre-alarm-close", e)));
  };
  services.ctx.events.on("incident", on);
  return {
    stop: () => void services.ctx.events.off("incident", on),
    idle: () => pending.settled(),
  };
}

async function close(services: Services, centre: CentreAlarms, i: Incident, alarmId: number): Promise<void> {
  const operator = i.closedBy ?? "services";
  const note = `closed with incident #${i.id} (${i.outcome ?? "closed"})`;
  const a = await centre.alarms.get(alarmId);
  if (a.state === "closed") return;
  if (a.state !== "new" && a.operator !== operator) return; // another operator holds it
  const at = () => services.ctx.clock.now();
  if (a.state === "new") await centre.alarms.transition(alarmId, "take", operator, at(), null);
  if (a.state !== "handled") await centre.alarms.transition(alarmId, "handle", operator, at(), null);
  await centre.alarms.transition(alarmId, "close", operator, at(), note);
}
