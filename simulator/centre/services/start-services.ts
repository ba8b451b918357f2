/**
 * Runs the services next to a running centre: the services on the centre's database, the receiver
 * adapter, the timers and the HTTP API (loopback by default). With `bootstrapAdmin`, creates that admin
 * when no operator exists yet, so a fresh centre can be logged into.
 */
import type { Logger as PinoLogger } from "pino";
import { unrefSystemClock, type Clock } from "../../../protocol/clock.js";
import type { CentreStore } from "../store/centre-store.js";
import { silentLogger, type Logger } from "../logger.js";
import type { Receiver } from "../receiver/receiver.js";
import { startServicesApi, type RunningServicesApi, type ServicesApiOptions } from "./http-api.js";
import { attachReceiver } from "./receiver-adapter.js";
import { Services, type AllPorts, type ServicesOptions } from "./services.js";

export interface StartServicesOptions extends ServicesOptions {
  readonly centre: CentreStore;
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
}

export interface RunningServices {
  readonly services: Services;
  readonly api: RunningServicesApi;
  stop(): Promise<void>;
}

export async function startServices(o: StartServicesOptions): Promise<RunningServices> {
  const clock = o.clock ?? unrefSystemClock;
  const services = new Services(o.centre.db, clock, o.ports, o);
  if (o.bootstrapAdmin && services.operators.list().length === 0) services.operators.create("bootstrap", { ...o.bootstrapAdmin, role: "admin" });
  const adapter = o.receiver ? attachReceiver(o.receiver, o.centre, services, o.log ?? silentLogger) : undefined;
  services.start();
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
      services.stop();
    },
  };
}
