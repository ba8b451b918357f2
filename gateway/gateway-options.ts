/** The Gateway's constructor options (the integration hooks the demo and firmware rely on) and their checks. */
import type { KeyObject } from "node:crypto";
import { BATCH_MAX_EVENTS, PanelId, type AreaStatus, type Command, type CommandResult, type FreshnessWindow, type Signer, type Trace } from "../protocol/index.js";
import type { BackoffOptions } from "./backoff.js";
import { isCategoryName, type CategoryName } from "../protocol/supervision.js";
import type { Clock } from "../protocol/clock.js";
import type { WalCheckpointOptions } from "../firmware/store/wal-checkpoint.js";
import { GatewayError } from "./errors.js";
import type { OutboxLimits } from "./outbox.js";
import type { BrokerOptions, Connector } from "./transport.js";

export interface GatewayOptions {
  readonly panel: string;
  readonly signer: Signer;
  /** The pinned centre key: downlink frames signed by anything else are refused. */
  readonly centreKey: { readonly kid: string; readonly key: KeyObject };
  /** SQLite file, or ":memory:" (tests and demo only: nothing survives a restart). */
  readonly db: string;
  /** Primary broker, and optionally the alternative path's broker. */
  readonly brokers: readonly BrokerOptions[];
  readonly category: CategoryName;
  readonly clock?: Clock;
  /** Summary status for heartbeats. */
  status(): { areas: AreaStatus[]; troubles: number[] };
  /** Execute a verified, fresh, first-seen command through the panel core. */
  onCommand(cmd: Command): CommandResult;
  /** Link lost (false, at once) or back (true). */
  onLink(up: boolean): void;
  /** In-flight frames (default 32). */
  readonly window?: number;
  /** The window may grow up to this while a backlog drains and growing raises the ACK rate (window-size.ts); default `window` (fixed). */
  readonly maxWindow?: number;
  /**
   * Events per frame at most when several of one class wait (a backlog: protocol/event-batch.ts), 1 to
   * BATCH_MAX_EVENTS; 1 sends one event per frame. Default DEFAULT_BATCH_EVENTS.
   */
  readonly batchEvents?: number;
  /** Resend an unacknowledged frame after this long (default 5 s). */
  readonly ackTimeoutMs?: number;
  /** Reconnect backoff; the cap defaults to min(60 s, half the category's reporting time). */
  readonly backoff?: Partial<BackoffOptions>;
  /** Heartbeat intervals overriding the category table, ms (heartbeat-schedule.ts derives the rest from them). */
  readonly heartbeatMs?: { readonly primary?: number; readonly alternative?: number };
  readonly limits?: Partial<OutboxLimits>;
  readonly freshness?: FreshnessWindow;
  /** MQTT 5 session expiry (default 1 day). */
  readonly sessionExpiryS?: number;
  /** Serve Prometheus metrics on this port (0: any free port) when given. */
  readonly metricsPort?: number;
  /**
   * Queue 350 at a link loss and its restore when back (default true). Set false when the panel core
   * reports 350 itself from onLink (firmware's PanelRuntime does), so the centre does not get both.
   */
  readonly commTroubleEvents?: boolean;
  /** Link port implementation (default mqtt.js; tests pass the simulator). */
  readonly connector?: Connector;
  readonly log?: (level: "info" | "warn" | "error", msg: string) => void;
  /** Per-stage tracing for the benchmarks (protocol/trace.ts); off when absent. */
  readonly trace?: Trace;
  /**
   * Checkpoint gateway.db's WAL on the clock while the outbox is quiet, not inside a commit
   * (firmware/store/wal-checkpoint.ts); absent: SQLite's automatic checkpoint, as before.
   */
  readonly walCheckpoint?: Omit<WalCheckpointOptions, "onError">;
}

/**
 * Events per batch frame by default: measured (README, Performance: backlog drain) as the size past which
 * a drain got no faster; a full frame of it stays far inside 4 KiB.
 */
export const DEFAULT_BATCH_EVENTS = 64;

/** Throws GatewayError("bad-config") for options that cannot work. */
export function validateOptions(o: GatewayOptions): void {
  if (!PanelId.safeParse(o.panel).success) throw new GatewayError("bad-config", `bad panel id ${JSON.stringify(o.panel)}`);
  if (!isCategoryName(o.category)) throw new GatewayError("bad-config", `unknown EN 50136 category ${JSON.stringify(o.category)}`);
  if (o.brokers.length < 1 || o.brokers.length > 2) throw new GatewayError("bad-config", "one broker, or two for dual path");
  if (o.category.startsWith("DP") && o.brokers.length !== 2) throw new GatewayError("bad-config", `category ${o.category} needs an alternative path (two brokers)`);
  for (const b of o.brokers) if (!/^(mqtts?|tcp|ssl|tls):\/\//.test(b.url)) throw new GatewayError("bad-config", `bad broker url ${JSON.stringify(b.url)}`);
  const w = o.window ?? 32;
  if (!Number.isInteger(w) || w < 1 || w > 1024) throw new GatewayError("bad-config", `window must be 1..1024, got ${w}`);
  const mw = o.maxWindow ?? w;
  if (!Number.isInteger(mw) || mw < w || mw > 1024) throw new GatewayError("bad-config", `maxWindow must be window..1024, got ${mw}`);
  const b = o.batchEvents ?? DEFAULT_BATCH_EVENTS;
  if (!Number.isInteger(b) || b < 1 || b > BATCH_MAX_EVENTS) throw new GatewayError("bad-config", `batchEvents must be 1..${BATCH_MAX_EVENTS}, got ${b}`);
  if (o.ackTimeoutMs !== undefined && !(o.ackTimeoutMs > 0)) throw new GatewayError("bad-config", "ackTimeoutMs must be positive");
}
