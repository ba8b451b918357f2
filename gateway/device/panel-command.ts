/**
 * alarm-panel: the panel on its board and its gateway, from a config and a provisioned bundle.
 *   alarm-panel --config panel.yaml --bundle DIR [--data DIR] [--metrics HOST:PORT]
 *   alarm-panel wiring --config panel.yaml      the GPIO wiring table
 *   alarm-panel check --config panel.yaml       validate a config (exit 0 ok, 1 with one line per problem)
 * SIGTERM or SIGINT stops it cleanly (board released, offline status sent, outbox closed) with exit 0.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { Readable } from "node:stream";
import type { PanelConfig, RuntimeInput } from "../../firmware/index.js";
import { hostPortFlag, processIo, required, runCommand, type Io } from "../../protocol/cli/command-line.js";
import { serviceLogger, type ServiceLogger } from "../../protocol/cli/log.js";
import { lockDir, type DirLock } from "../dir-lock.js";
import { GatewayError } from "../errors.js";
import { metricsPort } from "../metrics.js";
import { checkConfigFile } from "./config-check.js";
import { loadPanelBundle, type PanelLink } from "./panel-bundle.js";
import { startDevice } from "./start-device.js";
import { wiringTable } from "./wiring-table.js";

export const DEFAULT_CONFIG = "/etc/open-alarm/panel.yaml";
export const DEFAULT_DATA = "/var/lib/open-alarm";

const RUN_USAGE = `usage: alarm-panel --config panel.yaml --bundle DIR [--data DIR] [--metrics HOST:PORT]
       alarm-panel wiring --config panel.yaml
       alarm-panel check --config panel.yaml

Runs the panel (firmware on its board) and its gateway (outbox and MQTT link to the centre).

  --config FILE        the panel config (YAML), e.g. ${DEFAULT_CONFIG}
  --bundle DIR         the provisioned bundle: panel.json and the key and certificate files it names
  --data DIR           where panel.db and gateway.db live (default: $STATE_DIRECTORY, else ${DEFAULT_DATA})
  --metrics HOST:PORT  serve the gateway's Prometheus metrics at http://HOST:PORT/metrics

The board is the config's "io": raspi (raspi-io on a Raspberry Pi: npm install raspi-io there), or sim:
the simulated board for a test rig: every zone secure until told otherwise on stdin, one command a line
(zone N open|close, key 1 2 3 4 away, ac on|off, battery low|ok, tamper N on|off, help).
One alarm-panel per data directory: it holds DIR/alarm-panel.pid while it runs; a second one exits 1
naming the holder's pid. A file left by a panel that was killed is taken over.
SIGTERM or SIGINT: board released, offline status sent, outbox closed, exit 0.
Logs: JSON lines on stdout (pretty on a terminal); LOG_LEVEL=debug shows every frame.
Exit status: 0 stopped cleanly, 1 failed (one line "code: message"), 2 bad command line.`;

const WIRING_USAGE = `usage: alarm-panel wiring --config panel.yaml

Prints the GPIO wiring table an electrician follows: zone, name, type, pin, NC/NO, pull-up, and the
outputs and keypad lines.`;

const CHECK_USAGE = `usage: alarm-panel check --config panel.yaml

Validates a panel config and exits: 0 when it is good, 1 with one line per problem naming its key.`;

export interface PanelCommandDeps {
  /** The simulated board for `io: sim`: bin/alarm-panel.js passes the simulator's (gateway/ does not import it). */
  readonly simBoard?: (config: PanelConfig) => unknown | Promise<unknown>;
  /**
   * For `io: sim`: the test rig's console on stdin (simulator/board/sim-console.ts), given the board and the
   * panel's input once the device runs; returns a function that stops it.
   */
  readonly simConsole?: (board: unknown, config: PanelConfig, input: (i: RuntimeInput) => void, stdin: Readable, answer: (line: string) => void) => (() => void) | Promise<() => void>;
  /** Resolves with the signal's name when the panel should stop (default: the first SIGTERM or SIGINT). */
  readonly stopSignal?: () => Promise<string>;
  readonly logger?: ServiceLogger;
}

function processSignal(): Promise<string> {
  return new Promise((done) => {
    const on = (sig: string) => {
      process.off("SIGTERM", on);
      process.off("SIGINT", on);
      done(sig);
    };
    process.on("SIGTERM", on);
    process.on("SIGINT", on);
  });
}

/** The config, or exit 1 with its problems (one line each). */
function configOr1(file: string, io: Io): PanelConfig | undefined {
  const r = checkConfigFile(file);
  if (r.ok) return r.config;
  for (const p of r.problems) io.stderr.write(`alarm-panel: ${p}\n`);
  return undefined;
}

export async function main(argv: readonly string[], io: Io = processIo, deps: PanelCommandDeps = {}): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "wiring") {
    return runCommand({ name: "alarm-panel wiring", usage: WIRING_USAGE, options: { config: { type: "string" } } }, rest, io, (args, io) => {
      const config = configOr1(required("config", args.values.config), io);
      if (!config) return 1;
      io.stdout.write(wiringTable(config));
      return 0;
    });
  }
  if (sub === "check") {
    return runCommand({ name: "alarm-panel check", usage: CHECK_USAGE, options: { config: { type: "string" } } }, rest, io, (args, io) => {
      const file = required("config", args.values.config);
      const config = configOr1(file, io);
      if (!config) return 1;
      io.stdout.write(`${file}: ok (${config.zones.length} zones, ${config.areas.length} areas, io ${config.io})\n`);
      return 0;
    });
  }
  const spec = {
    name: "alarm-panel",
    usage: RUN_USAGE,
    options: { config: { type: "string" }, bundle: { type: "string" }, data: { type: "string" }, metrics: { type: "string" } },
  } as const;
  return runCommand(spec, argv, io, async (args, io) => {
    const configFile = required("config", args.values.config);
    const bundleDir = required("bundle", args.values.bundle);
    const metrics = hostPortFlag("metrics", args.values.metrics);
    const dataDir = resolve(args.values.data ?? process.env.STATE_DIRECTORY ?? DEFAULT_DATA);
    const config = configOr1(configFile, io);
    if (!config) return 1;
    const link = loadPanelBundle(bundleDir);
    const lock = lockDataDir(dataDir);
    try {
      return await runPanel(config, link, dataDir, metrics, io, lock.staleHolder);
    } finally {
      lock.release();
    }
  });

  async function runPanel(config: PanelConfig, link: PanelLink, dataDir: string, metrics: { host: string; port: number } | undefined, io: Io, staleHolder: number | undefined): Promise<number> {
    let board: unknown;
    if (config.io === "sim") {
      if (!deps.simBoard) throw new GatewayError("bad-config", "io: sim needs the simulated board: run bin/alarm-panel.js");
      board = await deps.simBoard(config);
    }
    // Listen before starting, so a SIGTERM during start-up still ends in a clean stop.
    const stopping = (deps.stopSignal ?? processSignal)();
    const log = (deps.logger ?? serviceLogger({ name: "alarm-panel", destination: io.stdout })).child({ panel: link.panel });
    if (staleHolder !== undefined) log.log("warn", "took over the data directory of a panel that did not stop cleanly", { pid: staleHolder });
    const device = await startDevice({
      config,
      link,
      dataDir,
      ...(board !== undefined ? { io: board } : {}),
      ...(metrics ? { metrics } : {}),
      log: (level, msg) => log.log(level, msg),
    });
    // A frame of a backlog carries several events: name them all (seqs first..last), not only the first.
    device.gateway.on("sent", ({ seq, seqs, attempt }) => log.log("debug", "frame sent", { seq, ...(seqs && seqs.length > 1 ? { seqs: `${seqs[0]}..${seqs.at(-1)}` } : {}), attempt }));
    device.gateway.on("acked", ({ seq, rttMs }) => log.log("debug", "frame acknowledged", { seq, rttMs }));
    device.gateway.on("rejected", ({ seq, reason }) => log.log("warn", "frame rejected by the centre", { seq, reason }));
    device.gateway.on("dropped", ({ seqs }) => log.log("error", "outbox overflow: events dropped", { seqs }));
    device.gateway.on("refused", ({ code, message }) => log.log("warn", "downlink refused", { code, message }));
    device.panel.on("report", (e) => log.log("info", "event reported", { code: e.code, q: e.q, area: e.area, ...(e.zone !== undefined ? { zone: e.zone } : {}) }));
    const closeConsole =
      board !== undefined && deps.simConsole
        ? await deps.simConsole(board, config, (i) => device.panel.input(i), io.stdin, (line) => log.log("info", `sim: ${line}`))
        : undefined;
    log.log("info", "panel running", {
      io: config.io,
      broker: link.broker.url,
      data: dataDir,
      ...(device.metrics ? { metrics: `http://${metrics!.host}:${metricsPort(device.metrics)}/metrics` } : {}),
    });
    const sig = await stopping;
    log.log("info", "stopping", { signal: sig });
    closeConsole?.();
    await device.stop();
    log.log("info", "stopped");
    log.flush();
    return 0;
  }
}

/**
 * One alarm-panel per data directory (gateway/dir-lock.ts): a second one would send from the same outbox
 * under the same client id, each taking the broker session from the other and renumbering its frames.
 */
function lockDataDir(dataDir: string): DirLock {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (e) {
    throw new GatewayError("bad-config", `cannot create the data directory ${dataDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return lockDir(dataDir, {
    name: "alarm-panel",
    rule: "one alarm-panel per data directory",
    error: (kind, message) => new GatewayError(kind === "locked" ? "locked" : "bad-config", message),
  });
}
