/**
 * Runs the services next to a running centre: the services on the centre's database, the receiver
 * adapter, the timers (led, with `lead`) and the HTTP API (loopback by default). With `bootstrapAdmin`, creates that admin
 * when no operator exists yet, so a fresh centre can be logged into.
 */
import type { Logger as PinoLogger } from "pino";
import { unrefSystemClock, type Clock } from "../../../protocol/clock.js";
import type { CentreStorePort } from "../store-pg/port.js";
import { silentLogger, type Logger } from "../logger.js";
import type { Receiver } from "../receiver/receiver.js";
import { startServicesApi, type RunningServicesApi, type ServicesApiOptions } from "./http-api.js";
import { closeCentreAlarmsWithIncidents } from "./centre-alarm-close.js";
import { attachReceiver } from "./receiver-adapter.js";
import { servicesDbOf } from "./services-db-of.js";
import { Services, type AllPorts, type ServicesOptions } from "./services.js";
import { startServicesTimers, type TimersLead } from "./services-timers.js";

export interface StartServicesOptions extends ServicesOptions {
  /** The centre's store: the services' tables go into the same database (services-db-of.ts). */
  readonly centre: CentreStorePort;
  readonly receiver?: Receiver;
  readonly ports: AllPorts;
  readonly clock?: Clock;
  readonly host?: string;
  readonly port?: number;
  readonly httpLogger?: PinoLogger;
  readonly log?: Logger;
  readonly bootstrapAdmin?: { readonly username: string; readonly password: string };
  /** More routes on the same server (the operators' console: simulator/console/). */
  readonly routes?: ServicesApiOptions["routes"];
  /** Several alarm-centre on one database: the timers run only while this one leads (services-timers.ts). */
  readonly lead?: TimersLead;
}

export interface RunningServices {
  readonly services: Services;
  readonly api: RunningServicesApi;
  stop(): Promise<void>;
}

export async function startServices(o: StartServicesOptions): Promise<RunningServices> {
  const clock = o.clock ?? unrefSystemClock;
  const services = await Services.open(servicesDbOf(o.centre), clock, o.ports, { ...o, panelKnown: async (p) => (await o.centre.registry.panel(p)) !== undefined });
  const log = o.log ?? silentLogger;
  services.ctx.events.on("failed", (what, e) => log.log("error", `services: ${what} failed`, { error: (e as Error).message }));
  if (o.bootstrapAdmin && (await services.operators.list()).length === 0) await services.operators.create("bootstrap", { ...o.bootstrapAdmin, role: "admin" });
  const adapter = o.receiver ? attachReceiver(o.receiver, o.centre, services, log) : undefined;
  const alarmsFollow = closeCentreAlarmsWithIncidents(services, o.centre);
  const timers = await startServicesTimers(services, o.centre, clock, log, o.lead);
  const api = await startServicesApi(services, {
    clock,
    ...(o.host !== undefined ? { host: o.host } : {}),
    ...(o.port !== undefined ? { port: o.port } : {}),
    ...(o.httpLogger ? { logger: o.httpLogger } : {}),
    ...(o.routes ? { routes: o.routes } : {}),
  });
  return {
    services,
    api,
    async stop() {
      await api.close();
      adapter?.detach();
      alarmsFollow.stop();
      await alarmsFollow.idle();
      await timers.stop();
    },
  };
}
