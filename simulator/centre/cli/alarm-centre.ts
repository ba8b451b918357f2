/**
 * alarm-centre: the monitoring centre as a service, from a centre directory that alarm-provision made:
 * broker, receivers, the monitoring services with the console and API behind logins, metrics.
 *
 *   alarm-centre --centre DIR [--store LOCATION] [--broker embedded|URL] [--receivers N] [--http HOST:PORT] [--metrics HOST:PORT]
 *
 * Logs are pino JSON lines on stdout (pretty in a terminal). SIGTERM or SIGINT stores and acknowledges
 * what has arrived, stops everything and exits 0.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { hostPortFlag, intFlag, processIo, runCommand, UsageError, type Io } from "../../../protocol/cli/command-line.js";
import { serviceLogger, type ServiceLogger } from "../../../protocol/cli/log.js";
import { CentreError } from "../errors.js";
import { brokerSettings, crlWarning } from "../broker/broker-files.js";
import { loadCentre, type CentreDir } from "../pki/provisioning.js";
import { storeFileWarning } from "../pki/centre-store-file.js";
import { lockCentreDir, type CentreLock } from "./centre-lock.js";
import { startCentreService, type BrokerChoice, type CentreService, type CentreServiceOptions } from "./centre-service.js";
import { storeLocationFlag } from "../store-pg/store-location.js";
import type { Clock } from "../../../protocol/clock.js";
import type { CentreRoutes } from "./centre-services.js";

export const USAGE = `usage: alarm-centre --centre DIR [options]

The monitoring centre: broker (embedded, or an external Mosquitto), receivers, the monitoring services
with the operators' console and API behind logins, metrics.
The centre directory comes from: alarm-provision --centre DIR --init
The first login:                  alarm-provision --centre DIR --add-operator NAME --role admin

options:
  --centre DIR             the centre directory (certificates, keys, centre.db or store.json)
  --store LOCATION         the centre store: postgres://USER@HOST:PORT/DB or a SQLite file; default the
                           one recorded at alarm-provision --init --store (DIR/store.json), else
                           DIR/centre.db. On PostgreSQL, receivers take turns leading supervision
                           and gap checks (any number of alarm-centre/receiver-main on one database)
  --broker embedded|URL    embedded: aedes on TLS with client certificates (default);
                           URL: an external broker, e.g. mqtts://localhost:8883 (Mosquitto with
                           DIR/mosquitto.conf); receivers use DIR/receivers/receiver-N certificates
  --mqtt HOST:PORT         embedded broker's TLS listener (default: DIR/broker.json, else 127.0.0.1:8883)
  --plain-port N           also plain TCP on the same host, panels log in with provisioned passwords
  --broker-in-process      embedded broker on the receivers' thread (default: its own thread, so store
                           commits do not hold the forwarding of frames and ACKs)
  --mqtt-version 4|5       protocol towards an external broker (default 5)
  --receivers N            receivers sharing the load and the store (default 1)
  --http HOST:PORT         the operators' console (/console/) and the services' JSON API (/api/: incidents
                           and tasks, installations, plans, the alarm queue, remote support, tickets,
                           operators, audit); every route behind a login (default 127.0.0.1:8080)
  --metrics HOST:PORT      Prometheus GET /metrics (default 127.0.0.1:9464)
  --gap-grace MS           how long a missing sequence number may stay missing (default 60000)
  --reconnect MS           receivers' wait before reconnecting to the broker (default 1000)
  --max-batch N            frames per group commit at most (default 256)
  --revocation-period MS   embedded broker: how often revoked certificates are reloaded from the store
                           and crl.pem (default 2000); a revoked certificate is refused, and its open
                           session cut, within this period plus one load
  --help, --version

No providers are connected: the centre calls nobody. A call, SMS/e-mail or guard dispatch asked of it
is logged for the operator ("telephony: no provider, call by hand", ...) and refused (502 port-failed);
the task stays open for the operator to do by hand and record. Remote-support commands do reach the
panels: signed, over the receivers' MQTT sessions; results come back as stored frames.

One alarm-centre per centre directory: it holds DIR/alarm-centre.pid while it runs; a second one exits 1
naming the holder's pid. A file left by a killed centre is taken over.
Logs: JSON lines on stdout (LOG_LEVEL=debug|info|warn|error, LOG_FORMAT=json in a terminal).`;

const OPTIONS = {
  centre: { type: "string" },
  broker: { type: "string", default: "embedded" },
  mqtt: { type: "string" },
  "plain-port": { type: "string" },
  "broker-in-process": { type: "boolean" },
  "mqtt-version": { type: "string" },
  receivers: { type: "string" },
  http: { type: "string" },
  metrics: { type: "string" },
  "gap-grace": { type: "string" },
  reconnect: { type: "string" },
  "max-batch": { type: "string" },
  store: { type: "string" },
  "revocation-period": { type: "string" },
} as const;

export interface CentreCommandHooks {
  /** Where logs go (default stdout). */
  readonly logger?: ServiceLogger;
  /** Resolves to stop (default: SIGTERM or SIGINT). */
  readonly stopSignal?: Promise<unknown>;
  /** The clock of the embedded broker's revocation reloads (tests step it; default the real clock). */
  readonly revocationClock?: Clock;
  /** Called once the centre is running (tests reach its parts through it). */
  readonly started?: (service: CentreService) => void;
  /** More routes on --http: the operators' console, handed in by simulator/console/centre-command.ts (the bin's entry). */
  readonly routes?: CentreRoutes;
}

export function main(argv: readonly string[], io: Io = processIo, hooks: CentreCommandHooks = {}): Promise<number> {
  return runCommand({ name: "alarm-centre", usage: USAGE, options: OPTIONS }, argv, io, async ({ values: a }) => {
    if (!a.centre) throw new UsageError("--centre DIR is required (see --help)");
    const dir = resolve(a.centre);
    if (!existsSync(dir)) throw new CentreError("bad-argument", `${dir} does not exist (alarm-provision --centre ${dir} --init creates it)`);
    const receivers = intFlag("receivers", a.receivers, 1, 64) ?? 1;
    const version = intFlag("mqtt-version", a["mqtt-version"], 4, 5) ?? 5;
    const plainPort = intFlag("plain-port", a["plain-port"], 0, 65535);
    const gapGraceMs = intFlag("gap-grace", a["gap-grace"], 0, 86_400_000);
    const reconnectDelayMs = intFlag("reconnect", a.reconnect, 10, 600_000);
    const maxBatch = intFlag("max-batch", a["max-batch"], 1, 256);
    const revocationPeriodMs = intFlag("revocation-period", a["revocation-period"], 100, 3_600_000);
    if (a.store !== undefined && a.store.trim() === "") throw new UsageError("--store wants a postgres:// URL or a SQLite file path");
    const store = a.store === undefined ? undefined : storeLocationFlag(a.store);
    const httpAt = hostPortFlag("http", a.http) ?? { host: "127.0.0.1", port: 8080 };
    const metricsAt = hostPortFlag("metrics", a.metrics) ?? { host: "127.0.0.1", port: 9464 };
    if (a.broker !== "embedded" && !/^mqtts?:\/\/[^/]+$/.test(a.broker!)) throw new UsageError(`--broker takes embedded or mqtts://HOST:PORT, not '${a.broker}'`);
    if (plainPort !== undefined && a.broker !== "embedded") throw new UsageError("--plain-port is for the embedded broker");
    if (a["broker-in-process"] && a.broker !== "embedded") throw new UsageError("--broker-in-process is for the embedded broker");
    const mqttAt = hostPortFlag("mqtt", a.mqtt);
    const centre = loadCentre(dir);
    const settings = brokerSettings(centre);
    const tlsAt = mqttAt ?? { host: settings.host, port: settings.port };
    const broker: BrokerChoice =
      a.broker === "embedded"
        ? { kind: "embedded", tls: tlsAt, ...(plainPort !== undefined ? { plain: { host: tlsAt.host, port: plainPort } } : {}) }
        : { kind: "external", url: a.broker!, protocolVersion: version as 4 | 5 };

    const log = hooks.logger ?? serviceLogger({ name: "alarm-centre" });
    for (const warning of [crlWarning(centre), storeFileWarning(dir)]) if (warning) log.log("warn", warning);
    const stop = hooks.stopSignal ?? signalled();
    // One alarm-centre per directory: a second one would run receivers and the broker on the same keys.
    const lock = lockCentreDir(dir);
    try {
      return await runService(centre, lock, stop, log, hooks.started, {
        broker,
        receivers,
        http: httpAt,
        metrics: metricsAt,
        ...(gapGraceMs !== undefined ? { gapGraceMs } : {}),
        ...(reconnectDelayMs !== undefined ? { reconnectDelayMs } : {}),
        ...(maxBatch !== undefined ? { maxBatch } : {}),
        ...(store !== undefined ? { store } : {}),
        ...(revocationPeriodMs !== undefined ? { revocationPeriodMs } : {}),
        ...(hooks.revocationClock ? { clock: hooks.revocationClock } : {}),
        ...(a["broker-in-process"] ? { brokerInProcess: true } : {}),
        ...(hooks.routes ? { routes: hooks.routes } : {}),
      });
    } finally {
      lock.release();
    }
  });
}

async function runService(centre: CentreDir, lock: CentreLock, stop: Promise<unknown>, log: ServiceLogger, started: CentreCommandHooks["started"], opts: Omit<CentreServiceOptions, "centre" | "logger">): Promise<number> {
  const service = await startCentreService({ centre, logger: log, ...opts });
  started?.(service);
  log.log("info", "centre directory locked", { file: lock.file });
  if (lock.staleHolder !== undefined) log.log("warn", "took over the lock of a centre that did not stop cleanly", { pid: lock.staleHolder });
  const ended = await Promise.race([stop.then((why) => ({ why: String(why) })), service.failed.then((failure) => ({ failure }))]);
  if ("failure" in ended) log.log("error", `${ended.failure}: stopping, exit 1 (the service manager restarts the centre)`);
  else log.log("info", "stopping", { signal: ended.why });
  await service.close();
  log.log("info", "stopped");
  log.flush();
  return "failure" in ended ? 1 : 0;
}

function signalled(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (s: NodeJS.Signals) => {
      process.off("SIGTERM", on);
      process.off("SIGINT", on);
      resolve(s);
    };
    process.on("SIGTERM", on);
    process.on("SIGINT", on);
  });
}
