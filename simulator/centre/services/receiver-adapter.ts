/**
 * The one place the services meet the centre's receiver (and the only file here that imports from the
 * rest of simulator/): it subscribes to a Receiver's typed events and feeds the services plain inputs.
 *   stored             -> each event to the alarm intake; a command result to remote support; any
 *                         traffic clears a transmission-fault ticket
 *   alarm              -> links the operator-queue alarm to the incident with the same panel and key
 *   transmission-fault -> a supervision incident and a service ticket
 *   lost-events        -> a supervision incident
 * The receiver emits `stored` between its group commit and its ACKs, so the services' work (a durable
 * transaction per event) is queued and done afterwards, in order, one job at a time; it is asynchronous, so
 * the panel's ACK never waits for the services (SIA DC-09 ACK timing). A failure inside the services is
 * logged, never thrown into the receiver (it would stop storing frames).
 */
import type { Logger } from "../logger.js";
import type { Receiver } from "../receiver/receiver.js";
import type { ReceiverEvents } from "../receiver/receiver-events.js";
import type { Services } from "./services.js";

export interface ReceiverAdapter {
  /** Resolves once everything the receiver has reported so far has been handled. */
  settled(): Promise<void>;
  detach(): void;
}

/** The one thing the adapter reads from the centre's store: an operator-queue alarm's panel and key. */
export interface AlarmLookup {
  readonly alarms: { get(id: number): Promise<{ readonly panel: string; readonly key: string }> };
}

export function attachReceiver(receiver: Receiver, centre: AlarmLookup, services: Services, log: Logger): ReceiverAdapter {
  // One job at a time, in the order the receiver reported: each job's transactions commit before the next
  // starts, so a restore never overtakes its alarm.
  let tail: Promise<void> = Promise.resolve();
  let pending = 0;
  let detached = false;
  const guard =
    <A extends unknown[]>(what: string, fn: (...a: A) => Promise<void>) =>
    (...a: A): void => {
      pending++;
      tail = tail.then(async () => {
        try {
          if (!detached) await fn(...a);
        } catch (e) {
          log.log("error", `services: ${what} failed`, { error: (e as Error).message });
        } finally {
          pending--;
        }
      });
    };

  const stored = guard("stored", async (...[panel, , payload]: ReceiverEvents["stored"]) => {
    const now = services.ctx.clock.now();
    await services.tickets.heard(panel, now);
    if ("events" in payload) {
      for (const e of payload.events) await services.intake.event({ panel, code: e.code, qualifier: e.q, area: e.area, zone: e.zone, user: e.user, at: e.at });
    } else if ("result" in payload) await services.remote.onResult(panel, payload.result);
  });

  const alarm = guard("alarm", async (...[alarmId]: ReceiverEvents["alarm"]) => {
    const a = await centre.alarms.get(alarmId);
    const installationId = await services.installations.byPanel(a.panel);
    if (installationId !== undefined) await services.desk.linkCentreAlarm(installationId, a.key, alarmId);
  });

  const fault = guard("transmission-fault", async (...[f]: ReceiverEvents["transmission-fault"]) => {
    const installationId = await services.installations.byPanel(f.panel);
    if (installationId === undefined) return;
    await services.desk.open({ installationId, panel: f.panel, centreAlarmId: f.alarmId, cls: "supervision", key: "transmission-fault", title: "transmission fault: panel not heard", at: f.deadline });
    await services.tickets.transmissionFault(installationId, f.panel, f.deadline);
  });

  const lost = guard("lost-events", async (...[l]: ReceiverEvents["lost-events"]) => {
    const installationId = await services.installations.byPanel(l.panel);
    if (installationId === undefined) return;
    await services.desk.open({
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
    async settled() {
      while (pending > 0) await tail;
    },
    detach() {
      detached = true;
      receiver.off("stored", stored);
      receiver.off("alarm", alarm);
      receiver.off("transmission-fault", fault);
      receiver.off("lost-events", lost);
    },
  };
}
