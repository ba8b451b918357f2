/**
 * The gateway runtime (issue #4): a durable outbox on SQLite and the signed MQTT link to the centre,
 * wired together. The panel calls report() synchronously; the event is on disk with its sequence
 * number when report() returns. Everything else (delivery, retransmission, reconnection, supervision,
 * commands) runs on the injected clock.
 */
import { EventEmitter } from "node:events";
import type { Server } from "node:http";
import { CommandErrorCode, Event, DEFAULT_FRESHNESS, type Command, type CommandResult, type NakReason } from "../protocol/index.js";
import { DEFAULT_BACKOFF, type BackoffOptions } from "./backoff.js";
import { CATEGORIES } from "../protocol/supervision.js";
import { systemClock, type Clock } from "../protocol/clock.js";
import { CommandGuard } from "./command-guard.js";
import { openDatabase, type Db } from "./database.js";
import { GatewayError, isGatewayError } from "./errors.js";
import { Link } from "./link.js";
import { LinkMonitor } from "./link-monitor.js";
import { LinkPath } from "./link-path.js";
import { GatewayMetrics, serveMetrics } from "./metrics.js";
import { mqttConnector } from "./mqtt-connector.js";
import { Outbox } from "./outbox.js";
import { validateOptions, type GatewayOptions } from "./gateway-options.js";

export type { GatewayOptions } from "./gateway-options.js";

export interface GatewayEvents {
  sent: [{ seq: number; attempt: number; path: number }];
  acked: [{ seq: number; rttMs: number }];
  rejected: [{ seq: number; reason: NakReason }];
  dropped: [{ seqs: number[] }];
  path: [{ path: number | undefined }];
  command: [{ cmd: Command; result: CommandResult }];
  refused: [{ code: string; message: string }];
  clock: [{ offsetMs: number }];
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
  private readonly pathSuspect: boolean[] = [false, false];

  constructor(private readonly o: GatewayOptions) {
    super();
    validateOptions(o);
    this.clock = o.clock ?? systemClock;
    const cat = CATEGORIES[o.category];
    const primaryMs = o.heartbeatMs?.primary ?? cat.primaryMs;
    const alternativeMs = o.heartbeatMs?.alternative ?? ("alternativeMs" in cat ? cat.alternativeMs : primaryMs);
    this.db = openDatabase(o.db);
    this.outbox = new Outbox(this.db, {
      clock: this.clock,
      ...(o.limits ? { limits: o.limits } : {}),
      onDrop: (d) => {
        this.metrics.dropped.inc(d.length);
        this.log("warn", `outbox full: dropped ${d.map((r) => r.seq).join(",")}`);
        this.emit("dropped", { seqs: d.map((r) => r.seq) });
      },
    });
    this.guard = new CommandGuard(this.db, o.freshness ?? DEFAULT_FRESHNESS);
    this.metrics = new GatewayMetrics({ outbox: this.outbox, now: () => this.clock.now(), pathInUse: () => (this.link.activePath ?? -1) + 1 });
    this.link = new Link(
      {
        panel: o.panel,
        signer: o.signer,
        centreKey: o.centreKey,
        clock: this.clock,
        outbox: this.outbox,
        window: o.window ?? 32,
        ackTimeoutMs: o.ackTimeoutMs ?? 5000,
        // Half the reporting time: detection plus one ACK timeout stays within the category's time.
        failAfterMs: [primaryMs / 2, alternativeMs / 2],
        status: () => o.status(),
      },
      {
        sent: (seq, attempt, path) => {
          if (attempt > 1) this.metrics.retransmits.inc();
          this.emit("sent", { seq, attempt, path });
        },
        acked: (seq, rttMs) => {
          this.metrics.ackRtt.observe(rttMs / 1000);
          this.emit("acked", { seq, rttMs });
        },
        nak: (_seq, reason) => this.metrics.naks.inc({ reason }),
        rejected: (seq, reason) => {
          this.log("error", `centre refused frame ${seq} permanently: ${reason}; parked until restart`);
          this.emit("rejected", { seq, reason });
        },
        clockCorrected: (offsetMs) => this.emit("clock", { offsetMs }),
        activePath: (path) => {
          this.monitor.activePath(path);
          this.emit("path", { path });
        },
        command: (cmd, sent) => this.execute(cmd, sent),
        statusFailed: (message) => this.log("error", `status() unusable for a heartbeat, sent an empty summary: ${message}`),
        pathHealth: (path, ok) => {
          this.log("warn", `path ${path} ${ok ? "answers again" : "suspect: no ACK within its time"}`);
          this.pathSuspect[path] = !ok;
          this.monitor.pathChanged(path, this.paths[path]?.state === "up" && ok);
        },
        downlinkRefused: (code, message) => {
          this.metrics.refused.inc({ code });
          this.log("warn", `downlink refused: ${message}`);
          this.emit("refused", { code, message });
        },
      },
    );
    const capMs = Math.min(DEFAULT_BACKOFF.capMs, Math.max(1000, Math.floor(primaryMs / 2)));
    const backoff: BackoffOptions = { baseMs: DEFAULT_BACKOFF.baseMs, capMs, ...o.backoff };
    // Keepalive well inside the reporting time, so a dead path is noticed (1.5 x keepalive) in time.
    const keepaliveS = Math.max(5, Math.min(60, Math.floor(primaryMs / 3000)));
    this.paths = o.brokers.map((broker, i) => {
      const inner = this.link.pathListener(i);
      return new LinkPath(
        {
          panel: o.panel,
          broker,
          connector: o.connector ?? mqttConnector,
          clock: this.clock,
          backoff,
          heartbeatMs: i === 0 ? primaryMs : alternativeMs,
          keepaliveS,
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
            inner.down();
          },
          retrying: () => this.metrics.reconnects.inc({ path: i === 0 ? "primary" : "alternative" }),
        },
      );
    });
    this.link.attach(this.paths);
    this.monitor = new LinkMonitor({
      db: this.db,
      clock: this.clock,
      now: () => this.link.now(),
      paths: this.paths.length,
      graceMs: primaryMs,
      commTroubleEvents: o.commTroubleEvents ?? true,
      onLink: (up) => {
        // The panel's handler must not break the link's bookkeeping.
        try {
          o.onLink(up);
        } catch (e) {
          this.log("error", `onLink(${up}) threw: ${String((e as Error)?.message ?? e)}`);
        }
      },
      enqueue: (e) => {
        this.outbox.enqueue(e);
        this.link.pump();
      },
    });
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
    const checked = events.map((e) => {
      const r = Event.safeParse(e);
      if (!r.success) throw new GatewayError("bad-event", r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
      return r.data;
    });
    let seqs: number[];
    try {
      seqs = this.outbox.enqueueMany(checked);
    } catch (e) {
      // The panel must know the event is not stored (it keeps it in its own log and shows a fault).
      throw new GatewayError("storage", `event not stored: ${String((e as Error)?.message ?? e)}`);
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
    if (this.o.metricsPort !== undefined) this.server = await serveMetrics(this.metrics.registry, this.o.metricsPort);
  }

  async stop(): Promise<void> {
    if (this.stateNow === "stopped") return;
    this.stateNow = "stopped";
    this.monitor.stop();
    this.link.stop();
    for (const p of this.paths) p.stop();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    this.db.close();
  }

  get metricsServer(): Server | undefined {
    return this.server;
  }

  private execute(cmd: Command, centreSent: number): void {
    if (this.stateNow !== "running") return;
    let result: CommandResult;
    try {
      this.guard.admit(cmd, centreSent, this.link.now(), cmd.type === "time-sync");
      if (cmd.type === "time-sync") this.link.setClockOffset(centreSent - this.clock.now());
      try {
        result = this.o.onCommand(cmd);
      } catch (e) {
        result = { id: cmd.id, ok: false, error: "internal" }; // the panel threw: details are not for the wire
      }
    } catch (e) {
      if (!isGatewayError(e)) throw e;
      this.metrics.refused.inc({ code: e.code });
      this.log("warn", `command refused: ${e.message}`);
      this.emit("refused", { code: e.code, message: e.message });
      // A replay gets no second result: the first one is already in the outbox or delivered.
      if (e.code === "replay") return;
      result = { id: cmd.id, ok: false, error: CommandErrorCode.safeParse(e.code).data ?? "internal" };
    }
    this.outbox.enqueueResult(result);
    this.emit("command", { cmd, result });
    this.link.pump();
  }

  private log(level: "info" | "warn" | "error", msg: string): void {
    this.o.log?.(level, `[gateway ${this.o.panel}] ${msg}`);
  }
}
