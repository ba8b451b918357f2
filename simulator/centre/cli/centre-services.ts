/**
 * alarm-centre's monitoring services (installations, action plans and incidents, test notices, caller
 * cancellation, arm/disarm schedules, remote support, service tickets, operators and the audit log) on
 * the centre's own store, fed by every receiver, with the operators' console and the queue of centre
 * alarms on one HTTP server behind logins (--http); the console's routes come from the command
 * (simulator/console/centre-command.ts). Each receiver reports only the frames it stored itself
 * (a duplicate is not reported), and a supervision fault only when its alarm was created, so attaching
 * every receiver hands each stored event to the services exactly once.
 * Remote-support commands go out over the receivers' MQTT sessions (receivers-downlink.ts); their results
 * come back as stored frames. Telephony, messaging and guards have no provider here (manual-ports.ts).
 */
import { hostname } from "node:os";
import { pino, type Logger as Pino } from "pino";
import type { Signer } from "../../../protocol/frame.js";
import { unrefSystemClock, type Clock } from "../../../protocol/clock.js";
import type { Logger } from "../logger.js";
import { OperatorQueue } from "../operator/operator-queue.js";
import type { Receiver } from "../receiver/receiver.js";
import { MqttCommandSender } from "../services/command-sender.js";
import { REDACT, type ServicesApiOptions } from "../services/http-api.js";
import { attachReceiver, type ReceiverAdapter } from "../services/receiver-adapter.js";
import { startServices, type RunningServices } from "../services/start-services.js";
import type { CentreStorePort } from "../store-pg/port.js";
import { manualPorts } from "./manual-ports.js";
import { queueRoutes } from "./queue-routes.js";
import { receiversDownlink } from "./receivers-downlink.js";

/** How often an alarm-centre on PostgreSQL polls the services' timers role: a dead leader's are taken over within it. */
const TIMERS_LEAD_MS = 2_000;

export interface CentreServicesOptions {
  /** The centre directory (named in the hint to add the first admin). */
  readonly dir: string;
  readonly store: CentreStorePort;
  /** Seals remote-support commands (the key the receivers sign ACKs with). */
  readonly centreKey: Signer;
  /** The receivers, as they are started: a command goes out over the first one whose link is up. */
  readonly receivers: readonly Receiver[];
  readonly http: { readonly host: string; readonly port: number };
  readonly logger: Logger;
  /** The HTTP server's request log (default: pino JSON lines on stdout, credentials redacted). */
  readonly httpLogger?: Pino;
  readonly clock?: Clock;
  /**
   * More routes on the same server, given the centre's store: the operators' console, which the centre
   * does not import (simulator/console/ sits above it), is handed in by the command that composes both.
   */
  readonly routes?: CentreRoutes;
}

export type CentreRoutes = (centre: CentreStorePort) => NonNullable<ServicesApiOptions["routes"]>;

export interface CentreServices {
  readonly port: number;
  readonly url: string;
  /** Feed a receiver's stored frames, alarms and faults to the services; call before it starts. */
  attach(receiver: Receiver): void;
  /** After the receivers have stopped: the services finish what they were told, then stop. */
  close(): Promise<void>;
}

/** On the centre's store, SQLite or PostgreSQL: the services' tables go into the same database. */
export async function startCentreServices(o: CentreServicesOptions): Promise<CentreServices> {
  const centre = o.store;
  const clock = o.clock ?? unrefSystemClock;
  const commands = new MqttCommandSender(receiversDownlink(o.receivers), o.centreKey, clock);
  const running: RunningServices = await startServices({
    centre,
    ports: manualPorts(o.logger, commands),
    clock,
    host: o.http.host,
    port: o.http.port,
    httpLogger: o.httpLogger ?? requestLog(),
    routes: [queueRoutes(new OperatorQueue(o.store, clock)), ...(o.routes?.(centre) ?? [])],
    log: o.logger,
    // Other alarm-centre processes may share a PostgreSQL database: the services' timers follow a role there.
    ...(o.store.kind === "postgres" ? { lead: { holder: `${hostname()}:${process.pid}`, everyMs: TIMERS_LEAD_MS } } : {}),
  });
  const s = running.services;
  if ((await s.operators.list()).length === 0) o.logger.log("warn", `no operator can log in yet: alarm-provision --centre ${o.dir} --add-operator NAME --role admin`);
  const adapters: ReceiverAdapter[] = [];
  const url = running.api.url;
  o.logger.log("info", "services running", { api: `${url}/api`, console: `${url}/console/` });
  return {
    port: Number(new URL(url).port),
    url,
    attach(r) {
      adapters.push(attachReceiver(r, centre, s, o.logger));
    },
    async close() {
      await Promise.all(adapters.map((a) => a.settled()));
      for (const a of adapters) a.detach();
      await running.stop();
    },
  };
}

/** Request lines only with LOG_LEVEL=debug: a console's polling would otherwise fill the journal. */
function requestLog(): Pino {
  const level = process.env.LOG_LEVEL === "debug" ? "info" : "warn";
  return pino({ name: "alarm-centre", level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime, redact: REDACT });
}
