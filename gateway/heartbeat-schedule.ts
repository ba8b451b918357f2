/**
 * The heartbeat schedule: how often each path must carry a frame, and every timing the gateway derives
 * from it. EN 50136-1 / EN 50136-2 set a maximum reporting time per category (the table in
 * protocol/supervision.ts, shared with the centre); a path on which no uplink frame has left for 90 % of its
 * reporting time sends a heartbeat. The centre declares the path failed one reporting time after it last
 * *received* a frame, so the heartbeat leaves early by a transmission allowance (10 %: 18 s of SP4's 180 s,
 * 2 s of SP6's 20 s) for its way through the outbox, the broker and the receiver; sent at the full reporting
 * time it would arrive a few ms after the centre's deadline and raise a false transmission fault every
 * period. Any uplink frame on the path restarts its timer (SIA DC-09 link supervision: traffic proves the
 * path as well as a heartbeat does), and so does the connect.
 */
import { CATEGORIES, type CategoryName } from "../protocol/supervision.js";
import type { Clock, Timer } from "../protocol/clock.js";
import { DEFAULT_BACKOFF } from "./backoff.js";

/** Path indexes: 0 the primary, 1 the alternative (EN 50136-1 dual path). */
export const PRIMARY = 0;
export const ALTERNATIVE = 1;

/** The share of a reporting time after which a silent path sends its heartbeat (the rest is the allowance). */
const HEARTBEAT_SHARE = 0.9;

export interface HeartbeatSchedule {
  /** Heartbeat interval per path, ms: 90 % of the category's reporting time of that path (or the override, as is). */
  readonly intervalMs: readonly [primary: number, alternative: number];
  /**
   * Per path: no ACK for this long while frames wait makes the path suspect (when the other is up).
   * Half the reporting time: detection plus one ACK timeout stays within the category's time.
   */
  readonly failAfterMs: readonly [primary: number, alternative: number];
  /** MQTT keepalive well inside the reporting time, so a dead path is noticed (1.5 x keepalive) in time. */
  readonly keepaliveS: number;
  /** Reconnect backoff cap: min(60 s, half the primary's reporting time), at least 1 s. */
  readonly backoffCapMs: number;
  /** A path not up this long after start counts as lost: the primary's reporting time. */
  readonly graceMs: number;
}

export interface HeartbeatOverride {
  readonly primary?: number;
  readonly alternative?: number;
}

/**
 * The schedule of a category; a single-path category's alternative (if any) runs on the primary's time.
 * An override is the heartbeat interval itself (tests, a site with a slow link): the rest derives from it.
 */
export function heartbeatSchedule(name: CategoryName, override: HeartbeatOverride = {}): HeartbeatSchedule {
  const cat = CATEGORIES[name];
  const primary = override.primary ?? cat.primaryMs;
  const alternative = override.alternative ?? ("alternativeMs" in cat ? cat.alternativeMs : primary);
  const early = (reportingMs: number) => Math.round(reportingMs * HEARTBEAT_SHARE);
  const primaryEvery = override.primary ?? early(cat.primaryMs);
  const alternativeEvery = override.alternative ?? ("alternativeMs" in cat ? early(cat.alternativeMs) : primaryEvery);
  return {
    intervalMs: [primaryEvery, alternativeEvery],
    failAfterMs: [primary / 2, alternative / 2],
    keepaliveS: Math.max(5, Math.min(60, Math.floor(primary / 3000))),
    backoffCapMs: Math.min(DEFAULT_BACKOFF.capMs, Math.max(1000, Math.floor(primary / 2))),
    graceMs: primary,
  };
}

/**
 * One path's heartbeat timer: due `intervalMs` after the last restart (connect or any uplink frame).
 * Stopped while the path is down: a path that is not up sends nothing, and is reported as a path fault.
 */
export class HeartbeatTimer {
  private timer: Timer | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly due: () => void,
  ) {}

  /** A frame left on the path (or it just came up): the next heartbeat is due one interval from now. */
  restart(): void {
    this.timer?.cancel();
    this.timer = this.clock.schedule(this.intervalMs, () => {
      this.timer = undefined;
      this.due();
    });
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  get running(): boolean {
    return this.timer !== undefined;
  }
}
