/**
 * The services' log: pino, JSON lines with time and level on stdout (journald keeps them as they are),
 * pretty and coloured when stdout is a terminal. It fits the logger port every side takes
 * (`log(level, msg, fields)`), so no module reads a global logger.
 */
import { createRequire } from "node:module";
import { pino, type Logger as Pino } from "pino";
import type PinoPretty from "pino-pretty";

// Only a terminal gets pretty lines; a service under systemd never loads pino-pretty (about 2 MB of RSS).
const pretty = (opts: PinoPretty.PrettyOptions) => (createRequire(import.meta.url)("pino-pretty") as typeof PinoPretty)(opts);

export type ServiceLogLevel = "debug" | "info" | "warn" | "error";

export interface ServiceLogger {
  log(level: ServiceLogLevel, msg: string, fields?: Readonly<Record<string, unknown>>): void;
  /** A child logger whose lines carry `bindings` (e.g. {panel: "P1"}). */
  child(bindings: Readonly<Record<string, unknown>>): ServiceLogger;
  /** Write what is buffered (before exit). */
  flush(): void;
}

export interface ServiceLogOptions {
  /** The service's name, on every line. */
  readonly name: string;
  readonly level?: ServiceLogLevel;
  /** Default: pretty when stdout is a terminal and LOG_FORMAT is not "json". */
  readonly pretty?: boolean;
  /** Default: stdout. */
  readonly destination?: NodeJS.WritableStream;
}

export function serviceLogger(o: ServiceLogOptions): ServiceLogger {
  const dest = o.destination ?? process.stdout;
  keepRunningWhenReaderGoes(dest);
  const wantPretty = o.pretty ?? (Boolean((dest as { isTTY?: boolean }).isTTY) && process.env.LOG_FORMAT !== "json");
  const stream = wantPretty ? pretty({ colorize: true, destination: dest as never, sync: true, ignore: "pid,hostname" }) : dest;
  const level = o.level ?? (process.env.LOG_LEVEL as ServiceLogLevel | undefined) ?? "info";
  const root = pino({ name: o.name, level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, stream as never);
  return wrap(root);
}

function wrap(p: Pino): ServiceLogger {
  return {
    log(level, msg, fields) {
      if (fields) p[level](fields as Record<string, unknown>, msg);
      else p[level](msg);
    },
    child(bindings) {
      return wrap(p.child(bindings as Record<string, unknown>));
    },
    flush() {
      p.flush();
    },
  };
}

const guarded = new WeakSet<NodeJS.WritableStream>();

/**
 * A service outlives whatever reads its log: `alarm-centre | head` must not stop receiving alarms when
 * `head` exits. A write to a closed pipe (EPIPE) is dropped from then on, with one line on stderr;
 * any other stream error is still thrown.
 */
function keepRunningWhenReaderGoes(dest: NodeJS.WritableStream): void {
  if (guarded.has(dest)) return;
  guarded.add(dest);
  let told = false;
  dest.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code !== "EPIPE") throw e;
    if (!told) process.stderr.write("log: the reader of this log has gone (EPIPE); log lines are dropped from now on\n");
    told = true;
  });
}
