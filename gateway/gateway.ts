/**
 * The gateway runtime: a durable outbox on SQLite and the signed MQTT link to the centre,
 * wired together. The panel calls report() synchronously; the event is on disk with its sequence
 * number when report() returns. Everything else (delivery, retransmission, reconnection, supervision,
 * commands) runs on the injected clock.
 */
import { EventEmitter } from "node:events";
import type { Server } from "node:http";
import { Event, DEFAULT_FRESHNESS, type Command, type CommandResult, type NakReason } from "../protocol/index.js";
import { DEFAULT_BACKOFF } from "./backoff.js";
import { systemClock, type Clock } from "../protocol/clock.js";
import { CommandGuard } from "./command-guard.js";
import { claimOwner, openDatabase, type Db } from "./database.js";
import { handleCommand } from "./downlink/command.js";
import { GatewayError, storageError } from "./errors.js";
import { isEvent } from "../protocol/event-guard.js";
import { ALTERNATIVE, heartbeatSchedule, PRIMARY, type HeartbeatSchedule } from "./heartbeat-schedule.js";
import { Link } from "./link.js";
import { LinkMonitor } from "./link-monitor.js";
import { LinkPath } from "./link-path.js";
import { GatewayMetrics, serveMetrics } from "./metrics.js";
import { mqttConnector } from "./mqtt-connector.js";
import { Outbox, type OutboxRecord } from "./outbox.js";
import type { BrokerOptions } from "./transport.js";
import { DEFAULT_BATCH_EVENTS, validateOptions, type GatewayOptions } from "./gateway-options.js";
import { WalCheckpoint } from "../firmware/store/wal-checkpoint.js";

export type { GatewayOptions } from "./gateway-options.js";

export interface GatewayEvents {
  /** `seqs`: the events of a batch frame (protocol/event-batch.ts); absent for a frame of one item. */
  sent: [{ seq: number; attempt: number; path: number; seqs?: readonly number[] }];
  /** A frame was acknowledged (its items left the outbox); `seqs`: the events of a batch frame. */
  acked: [{ seq: number; rttMs: number; seqs?: readonly number[] }];
  rejected: [{ seq: number; reason: NakReason }];
  dropped: [{ seqs: number[] }];
  path: [{ path: number | undefined }];
  command: [{ cmd: Command; result: CommandResult }];
  refused: [{ code: string; message: string }];
  clock: [{ offsetMs: number }];
  /** A write to the outbox file failed outside report() (heartbeat, ACK, link event): nothing crashed. */
  storage: [{ error: GatewayError }];
}

export type GatewayState = "created" | "running" | "stopped";

export class Gateway extends EventEmitter<GatewayEvents> {
  readonly metrics: GatewayMetrics;
  private stateNow: GatewayState = "created";
  private readonly db: Db;
  private readonly outbox: Outbox;
  private readonly guard: CommandGuard;
  private readonly link: Link;
  private readonly paths: LinkPath[];
  private readonly monitor: LinkMonitor;
  private readonly clock: Clock;
  private server: Server | undefined;
  private checkpoint: WalCheckpoint | undefined;
  private readonly pathSuspect: boolean[] = [false, false];
  /** Failed connection attempts in a row, per path (for the log). */
  private readonly failedConnects: number[] = [0, 0];

  constructor(private readonly o: GatewayOptions) {
    super();
    validateOptions(o);
    this.clock = o.clock ?? systemClock;
    const schedule = heartbeatSchedule(o.category, o.heartbeatMs);
    this.db = openDatabase(o.db);
    const limits = o.limits ? { limits: o.limits } : {};
    try {
      claimOwner(this.db, o.panel, o.db);
      this.outbox = new Outbox(this.db, { clock: this.clock, ...limits, onDrop: (d) => this.onOverflow(d), onCorrupt: (seq, e) => this.onCorrupt(seq, e) });
    } catch (e) {
      // Bad limits, an unreadable file (store-corrupt) or another panel's file: refuse to start, leave it closed.
      this.db.close();
      throw e;
    }
    this.guard = new CommandGuard(this.db, o.freshness ?? DEFAULT_FRESHNESS);
    this.metrics = new GatewayMetrics({ outbox: this.outbox, now: () => this.clock.now(), pathInUse: () => (this.link.activePath ?? -1) + 1 });
    this.link = new Link({
      panel: o.panel,
      signer: o.signer,
      centreKey: o.centreKey,
      clock: this.clock,
      outbox: this.outbox,
      window: o.window ?? 32,
      maxWindow: o.maxWindow ?? o.window ?? 32,
      batchEvents: o.batchEvents ?? DEFAULT_BATCH_EVENTS,
      ackTimeoutMs: o.ackTimeoutMs ?? 5000,
      failAfterMs: schedule.failAfterMs,
      status: () => o.status(),
      ...(o.trace ? { trace: o.trace } : {}),
    });
    this.paths = o.brokers.map((broker, i) => this.createPath(broker, i, schedule));
    this.link.attach(this.paths);
    this.monitor = this.createMonitor(schedule);
    this.wireLinkEvents();
  }

  /** One LinkPath per broker, reporting to the link and to the monitor (path faults 351/352). */
  private createPath(broker: BrokerOptions, i: number, schedule: HeartbeatSchedule): LinkPath {
    const link = this.link.pathListener(i);
    // A full disk must not crash the panel from a timer or a downlink: the write is refused, logged and
    // emitted; what was stored stays stored (the transaction rolled back), and the next try may succeed.
    const inner = {
      up: () => this.guardStore(() => link.up()),
      down: (reason: string) => this.guardStore(() => link.down(reason)),
      message: (...a: Parameters<typeof link.message>) => this.guardStore(() => link.message(...a)),
      heartbeatDue: () => this.guardStore(() => link.heartbeatDue()),
    };
    const o = this.o;
    return new LinkPath(
      {
        panel: o.panel,
        broker,
        connector: o.connector ?? mqttConnector,
        clock: this.clock,
        backoff: { baseMs: DEFAULT_BACKOFF.baseMs, capMs: schedule.backoffCapMs, ...o.backoff },
        heartbeatMs: schedule.intervalMs[i === 0 ? PRIMARY : ALTERNATIVE],
        keepaliveS: schedule.keepaliveS,
        sessionExpiryS: o.sessionExpiryS ?? 86_400,
        // Client ids `<panel>` and `<panel>:alt`: the centre's broker ACL accepts `<panel>[:suffix]`.
        clientSuffix: i === 0 ? "" : ":alt",
      },
      {
        ...inner,
        up: () => {
          // Path selection first, so a restore queued by the monitor goes where traffic now goes.
          inner.up();
          this.monitor.pathChanged(i, !this.pathSuspect[i]);
        },
        down: (reason) => {
          this.log("warn", `path ${i} (${broker.url}) down: ${reason}`);
          this.monitor.pathChanged(i, false);
          inner.down(reason);
        },
        retrying: (delayMs, reason, connected) => {
          this.metrics.reconnects.inc({ path: i === 0 ? "primary" : "alternative" });
          // A path that never comes up (broker unreachable, certificate refused) says so: at the 1st, 2nd,
          // 4th, 8th... failed attempt in a row, so an installer sees it without a line per retry.
          const n = connected ? (this.failedConnects[i] = 0) : ++this.failedConnects[i]!;
          if (!connected && (n & (n - 1)) === 0) this.log("warn", `path ${i} (${broker.url}) cannot connect (${n} attempt${n > 1 ? "s" : ""}): ${reason}; retrying in ${(delayMs / 1000).toFixed(1)} s`);
        },
      },
    );
  }

  private createMonitor(schedule: HeartbeatSchedule): LinkMonitor {
    return new LinkMonitor({
      db: this.db,
      clock: this.clock,
      now: () => this.link.now(),
      paths: this.paths.length,
      graceMs: schedule.graceMs,
      commTroubleEvents: this.o.commTroubleEvents ?? true,
      onLink: (up) => {
        // The panel's handler must not break the link's bookkeeping.
        try {
          this.o.onLink(up);
        } catch (e) {
          this.log("error", `onLink(${up}) threw: ${String((e as Error)?.message ?? e)}`);
        }
      },
      enqueue: (e) =>
        this.guardStore(() => {
          this.outbox.enqueue(e);
          this.link.pump();
        }),
    });
  }

  /** The link's events become metrics, log lines, monitor input and the Gateway's own public events. */
  private wireLinkEvents(): void {
    const link = this.link;
    link.on("sent", (e) => {
      if (e.attempt > 1) this.metrics.retransmits.inc();
      this.emit("sent", e);
    });
    link.on("acked", (e) => {
      this.metrics.ackRtt.observe(e.rttMs / 1000);
      this.emit("acked", e);
    });
    link.on("nak", ({ reason }) => this.metrics.naks.inc({ reason }));
    link.on("rejected", (e) => {
      this.log("error", `centre refused frame ${e.seq} permanently: ${e.reason}; parked until restart`);
      this.emit("rejected", e);
    });
    link.on("clock", (e) => this.emit("clock", e));
    link.on("renumbered", ({ next, shift, pending }) =>
      this.log("warn", `the centre holds other events under this panel's sequence numbers (outbox lost or replaced): ${pending} pending item(s) renumbered from ${next} (+${shift}) and sent again`),
    );
    link.on("path", (e) => {
      this.monitor.activePath(e.path);
      this.emit("path", e);
    });
    link.on("command", ({ cmd, centreSent }) => this.execute(cmd, centreSent));
    link.on("statusFailed", ({ message }) => this.log("error", `status() unusable for a heartbeat, sent an empty summary: ${message}`));
    link.on("pathHealth", ({ path, ok }) => {
      this.log("warn", `path ${path} ${ok ? "answers again" : "suspect: no ACK within its time"}`);
      this.pathSuspect[path] = !ok;
      this.monitor.pathChanged(path, this.paths[path]?.state === "up" && ok);
    });
    link.on("refused", (e) => this.refused(e.code, e.message, "downlink refused"));
  }

  private guardStore(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      const error = storageError(e);
      if (!error) throw e;
      this.log("error", `outbox write failed, will retry: ${error.message}`);
      this.emit("storage", { error });
    }
  }

  /** Outbox overflow (outbox-overflow.ts): the dropped items are already gone from the store. */
  private onOverflow(dropped: readonly OutboxRecord[]): void {
    this.metrics.dropped.inc(dropped.length);
    this.log("warn", `outbox full: dropped ${dropped.map((r) => r.seq).join(",")}`);
    this.emit("dropped", { seqs: dropped.map((r) => r.seq) });
  }

  /** A stored item that no longer fits its schema: parked like a frame the centre refused as malformed. */
  private onCorrupt(seq: number, e: GatewayError): void {
    this.log("error", `outbox item ${seq} unreadable, parked until restart: ${e.message}`);
    this.emit("rejected", { seq, reason: "malformed" });
  }

  private refused(code: string, message: string, what: string): void {
    this.metrics.refused.inc({ code });
    this.log("warn", `${what}: ${message}`);
    this.emit("refused", { code, message });
  }

  get state(): GatewayState {
    return this.stateNow;
  }

  /** Durably queue an event for the centre; returns its sequence number. Called synchronously by the panel. */
  report(event: Event): number {
    return this.reportMany([event])[0]!;
  }

  /** Several events in one durable commit (group commit); their sequence numbers in order. */
  reportMany(events: readonly Event[]): number[] {
    if (this.stateNow === "stopped") throw new GatewayError("stopped", "gateway is stopped");
    const trace = this.o.trace;
    const called = trace ? process.hrtime.bigint() : 0n;
    const checked = events.map((e) => {
      // The hand-written guard gives the schema's verdict (event-guard.ts); zod only for a refusal's message.
      if (isEvent(e)) return e;
      const r = Event.safeParse(e);
      if (!r.success) throw new GatewayError("bad-event", r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
      return r.data;
    });
    let seqs: number[];
    try {
      seqs = this.outbox.enqueueMany(checked);
    } catch (e) {
      // The panel must know the event is not stored (it keeps it in its own log and shows a fault).
      throw storageError(e) ?? new GatewayError("storage", `event not stored: ${String((e as Error)?.message ?? e)}`);
    }
    if (trace) {
      for (const s of seqs) {
        trace("reported", this.o.panel, s, called);
        trace("outbox-committed", this.o.panel, s);
      }
    }
    this.link.pump();
    return seqs;
  }

  /** Outbox depth (total and per class) for the panel's display and tests. */
  depth(): { total: number; byClass: readonly number[] } {
    return this.outbox.depth();
  }

  get linkUp(): boolean {
    return this.monitor.linkUp;
  }

  get activePath(): number | undefined {
    return this.link.activePath;
  }

  /** Force a path down as if it had failed (demo and tests). */
  dropPath(index: number): void {
    this.paths[index]?.drop("dropped on request");
  }

  async start(): Promise<void> {
    if (this.stateNow !== "created") throw new GatewayError("stopped", `cannot start a gateway that is ${this.stateNow}`);
    this.stateNow = "running";
    // Items the centre refused permanently are retried once per start (a key may have been registered since).
    this.outbox.unparkAll();
    this.monitor.start();
    for (const p of this.paths) p.start();
    if (this.o.walCheckpoint) {
      this.checkpoint = new WalCheckpoint(this.db, this.clock, { ...this.o.walCheckpoint, onError: (e) => this.log("warn", `WAL checkpoint failed (tried again when quiet): ${e.message}`) });
    }
    if (this.o.metricsPort !== undefined) this.server = await serveMetrics(this.metrics.registry, this.o.metricsPort);
  }

  async stop(): Promise<void> {
    if (this.stateNow === "stopped") return;
    this.stateNow = "stopped";
    this.monitor.stop();
    this.link.stop();
    for (const p of this.paths) p.stop();
    this.checkpoint?.stop();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    this.db.close();
  }

  get metricsServer(): Server | undefined {
    return this.server;
  }

  private execute(cmd: Command, centreSent: number): void {
    if (this.stateNow !== "running") return;
    const result = handleCommand(
      {
        guard: this.guard,
        clock: this.clock,
        link: this.link,
        execute: (c) => this.o.onCommand(c),
        refused: (e) => this.refused(e.code, e.message, "command refused"),
        failed: (c, e) => this.log("error", `command ${c.id} (${c.type}) failed in the panel: ${String((e as Error)?.message ?? e)}`),
      },
      cmd,
      centreSent,
    );
    if (!result) return;
    this.outbox.enqueueResult(result);
    this.emit("command", { cmd, result });
    this.link.pump();
  }

  private log(level: "info" | "warn" | "error", msg: string): void {
    this.o.log?.(level, `[gateway ${this.o.panel}] ${msg}`);
  }
}
