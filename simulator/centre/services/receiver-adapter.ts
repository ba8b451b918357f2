/**
 * The one place the services meet the centre's receiver (and the only file here that imports from the
 * rest of simulator/): it subscribes to a Receiver's typed events and feeds the services plain inputs.
 *   stored             -> each event to the alarm intake; a command result to remote support; any
 *                         traffic clears a transmission-fault ticket
 *   alarm              -> links the operator-queue alarm to the incident with the same panel and key
 *   transmission-fault -> a supervision incident and a service ticket
 *   lost-events        -> a supervision incident
 * A failure inside the services is logged, never thrown into the receiver (it would stop storing frames).
 */
import type { CentreStore } from "../store/centre-store.js";
import type { Logger } from "../logger.js";
import type { Receiver } from "../receiver/receiver.js";
import type { ReceiverEvents } from "../receiver/receiver-events.js";
import type { Services } from "./services.js";

export interface ReceiverAdapter {
  detach(): void;
}

export function attachReceiver(receiver: Receiver, centre: CentreStore, services: Services, log: Logger): ReceiverAdapter {
  const guard =
    <A extends unknown[]>(what: string, fn: (...a: A) => void) =>
    (...a: A): void => {
      try {
        fn(...a);
      } catch (e) {
        log.log("error", `services: ${what} failed`, { error: (e as Error).message });
      }
    };

  const stored = guard("stored", (...[panel, , payload]: ReceiverEvents["stored"]) => {
    const now = services.ctx.clock.now();
    services.tickets.heard(panel, now);
    if ("events" in payload) {
      for (const e of payload.events) services.intake.event({ panel, code: e.code, qualifier: e.q, area: e.area, zone: e.zone, user: e.user, at: e.at });
    } else if ("result" in payload) services.remote.onResult(panel, payload.result);
  });

  const alarm = guard("alarm", (...[alarmId]: ReceiverEvents["alarm"]) => {
    const a = centre.alarms.get(alarmId);
    const installationId = services.installations.byPanel(a.panel);
    if (installationId !== undefined) services.desk.linkCentreAlarm(installationId, a.key, alarmId);
  });

  const fault = guard("transmission-fault", (...[f]: ReceiverEvents["transmission-fault"]) => {
    const installationId = services.installations.byPanel(f.panel);
    if (installationId === undefined) return;
    services.desk.open({ installationId, panel: f.panel, centreAlarmId: f.alarmId, cls: "supervision", key: "transmission-fault", title: "transmission fault: panel not heard", at: f.deadline });
    services.tickets.transmissionFault(installationId, f.panel, f.deadline);
  });

  const lost = guard("lost-events", (...[l]: ReceiverEvents["lost-events"]) => {
    const installationId = services.installations.byPanel(l.panel);
    if (installationId === undefined) return;
    services.desk.open({
      installationId,
      panel: l.panel,
      centreAlarmId: l.alarmId,
      cls: "supervision",
      key: `lost-events:${l.from}-${l.to}`,
      title: `possible lost events: sequence numbers ${l.from}-${l.to} missing`,
      at: services.ctx.clock.now(),
    });
  });

  receiver.on("stored", stored);
  receiver.on("alarm", alarm);
  receiver.on("transmission-fault", fault);
  receiver.on("lost-events", lost);
  return {
    detach() {
      receiver.off("stored", stored);
      receiver.off("alarm", alarm);
      receiver.off("transmission-fault", fault);
      receiver.off("lost-events", lost);
    },
  };
}
