/**
 * One device wiring: the panel (firmware PanelRuntime on a johnny-five board, its SQLite store) and its
 * gateway (SQLite outbox, MQTT link), from a panel config and the link a provisioned bundle describes.
 * The panel command on a Raspberry Pi, the demo, the end-to-end tests and the benchmarks all start a panel
 * through here, so there is one wiring to keep right.
 *
 * The board: `io: raspi` loads raspi-io (lazily, only then; firmware/hw/panel-hardware.ts); any other
 * board, e.g. the simulated one, is handed in as a johnny-five IO plugin by the caller, since gateway/
 * does not import the simulator.
 */
import { mkdirSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import { PanelRuntime, SqliteStore, type PanelConfig } from "../../firmware/index.js";
import type { Event, Trace } from "../../protocol/index.js";
import { systemClock, type Clock } from "../../protocol/clock.js";
import { GatewayError } from "../errors.js";
import { Gateway } from "../gateway.js";
import { serveMetrics } from "../metrics.js";
import type { Connector } from "../transport.js";
import type { PanelLink } from "./panel-bundle.js";
import { ReportHold } from "./report-hold.js";

export type DeviceLogLevel = "info" | "warn" | "error";

export interface DeviceOptions {
  /** The validated panel config (firmware's loadConfig / parseConfig). */
  readonly config: PanelConfig;
  /** Panel id, category, keys and broker, from the bundle (loadPanelBundle) or a test's centre. */
  readonly link: PanelLink;
  /** Directory for panel.db (state and event log) and gateway.db (outbox); ":memory:" keeps nothing. */
  readonly dataDir: string;
  /** A johnny-five IO plugin; required unless the config says `io: raspi`. */
  readonly io?: unknown;
  readonly clock?: Clock;
  /** The link port (default mqtt.js; the simulated broker's connector in tests). */
  readonly connector?: Connector;
  readonly ackTimeoutMs?: number;
  /** Serve the gateway's Prometheus metrics on GET /metrics here (port 0: any free port). */
  readonly metrics?: { readonly host: string; readonly port: number };
  /** Told of every event the panel reports, with the sequence number its durable enqueue gave it. */
  readonly onReport?: (event: Event, seq: number) => void;
  /** Per-stage tracing of the gateway (protocol/trace.ts), for the benchmarks; off when absent. */
  readonly trace?: Trace;
  readonly log?: (level: DeviceLogLevel, msg: string) => void;
  /**
   * WAL checkpoints of panel.db and gateway.db on the clock while quiet (default true); false leaves them
   * to SQLite's automatic checkpoint inside a commit (a before/after measurement).
   */
  readonly walCheckpoint?: boolean;
  /** Events the outbox refused (disk full), held in memory for another try: most held, retry interval. */
  readonly hold?: { readonly capacity?: number; readonly retryMs?: number };
}

export interface RunningDevice {
  readonly panelId: string;
  readonly config: PanelConfig;
  readonly panel: PanelRuntime;
  /** The panel's state and event log (panel.db). */
  readonly store: SqliteStore;
  readonly gateway: Gateway;
  /** Events the outbox refused, held until it takes them again (the panel shows 354 meanwhile). */
  readonly hold: { readonly held: number; readonly dropped: number };
  /** The metrics server, when asked for. */
  readonly metrics: Server | undefined;
  /** Board released, offline status published, outbox and store closed. Idempotent. */
  stop(): Promise<void>;
}

export async function startDevice(o: DeviceOptions): Promise<RunningDevice> {
  const { config, link } = o;
  if (o.io === undefined && config.io !== "raspi") throw new GatewayError("bad-config", `io "${config.io}" needs its board passed in (io)`);
  const clock = o.clock ?? systemClock;
  const memory = o.dataDir === ":memory:";
  const checkpoint = !memory && o.walCheckpoint !== false;
  if (!memory) mkdirSync(o.dataDir, { recursive: true });
  const file = (name: string) => (memory ? ":memory:" : join(o.dataDir, name));
  let panel: PanelRuntime | undefined;
  // A refused event stays in the panel's log and waits here; the panel shows the event storage fault (354).
  const reporter = new ReportHold({
    // gateway is assigned below, before the panel can report.
    write: (e) => gateway.report(e),
    clock,
    onStore: (ok) => panel?.input({ type: "store", ok }),
    ...(o.onReport ? { onStored: o.onReport } : {}),
    ...(o.log ? { log: o.log } : {}),
    ...(o.hold?.capacity !== undefined ? { capacity: o.hold.capacity } : {}),
    ...(o.hold?.retryMs !== undefined ? { retryMs: o.hold.retryMs } : {}),
  });
  const gateway = new Gateway({
    panel: link.panel,
    signer: link.signer,
    centreKey: link.centreKey,
    db: file("gateway.db"),
    brokers: [link.broker],
    category: link.category,
    clock,
    // WAL checkpoints of both files when the panel is quiet, not inside an alarm's commit.
    ...(checkpoint ? { walCheckpoint: {} } : {}),
    ...(o.connector ? { connector: o.connector } : {}),
    ...(o.ackTimeoutMs !== undefined ? { ackTimeoutMs: o.ackTimeoutMs } : {}),
    ...(o.trace ? { trace: o.trace } : {}),
    status: () => panel?.summary() ?? { areas: [], troubles: [] },
    onCommand: (cmd) => panel?.remote(cmd) ?? { id: cmd.id, ok: false, error: "unavailable" },
    onLink: (up) => panel?.input({ type: "link", up }),
    // The panel core reports 350 itself when told of link loss; the gateway's own pair would double it.
    commTroubleEvents: false,
    ...(o.log ? { log: o.log } : {}),
  });
  let store: SqliteStore;
  try {
    store = new SqliteStore(file("panel.db"), config.eventLog.capacity, !checkpoint ? undefined : { clock, onError: (e) => o.log?.("warn", `panel.db WAL checkpoint failed (tried again when quiet): ${e.message}`) });
  } catch (e) {
    await gateway.stop();
    throw e;
  }
  gateway.on("storage", ({ error }) => reporter.storageFailed(error));
  panel = new PanelRuntime({ config, store, clock, reporter, ...(o.io !== undefined ? { io: o.io } : {}) });
  let metrics: Server | undefined;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    panel?.stop();
    reporter.stop();
    await gateway.stop();
    store.close();
    await new Promise<void>((r) => (metrics ? metrics.close(() => r()) : r()));
  };
  try {
    await gateway.start();
    await panel.start();
    if (o.metrics) metrics = await serveMetrics(gateway.metrics.registry, o.metrics.port, o.metrics.host);
  } catch (e) {
    await stop();
    throw e;
  }
  return { panelId: link.panel, config, panel, store, gateway, hold: reporter, get metrics() { return metrics; }, stop };
}
