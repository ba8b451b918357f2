/**
 * The guard-service port: a patrol sent to a site. The provider answers with its reference and ETA, then
 * tells when the guard is on site and files a report.
 */
import type { Clock, Timer } from "../../../protocol/clock.js";

export interface GuardRequest {
  readonly incidentId: number;
  readonly installationId: number;
  readonly address: string;
  readonly reason: string;
}

export interface GuardCallbacks {
  arrived(at: number): void;
  report(text: string, at: number): void;
}

export interface GuardDispatch {
  readonly ref: string;
  readonly etaMs: number;
}

export interface GuardService {
  dispatch(req: GuardRequest, on: GuardCallbacks): Promise<GuardDispatch>;
  /** The customer cancelled: the patrol turns back (it may already be billed). */
  recall(ref: string): Promise<void>;
}

export interface SimulatedGuardOptions {
  /** Time to reach the site (default 15 min). */
  readonly etaMs?: number;
  /** Time on site before the report (default 10 min). */
  readonly onSiteMs?: number;
  readonly report?: string;
}

/** A guard on the clock: on site after the ETA, report after the time on site; a recall stops both. */
export class SimulatedGuardService implements GuardService {
  private n = 0;
  private readonly timers = new Map<string, Timer[]>();
  readonly dispatched: GuardRequest[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly opts: SimulatedGuardOptions = {},
  ) {}

  async dispatch(req: GuardRequest, on: GuardCallbacks): Promise<GuardDispatch> {
    const ref = `guard-${++this.n}`;
    const etaMs = this.opts.etaMs ?? 15 * 60_000;
    const onSite = this.opts.onSiteMs ?? 10 * 60_000;
    this.dispatched.push(req);
    this.timers.set(ref, [
      this.clock.schedule(etaMs, () => on.arrived(this.clock.now())),
      this.clock.schedule(etaMs + onSite, () => {
        this.timers.delete(ref);
        on.report(this.opts.report ?? "site checked: all doors and windows closed, no damage", this.clock.now());
      }),
    ]);
    return { ref, etaMs };
  }

  async recall(ref: string): Promise<void> {
    for (const t of this.timers.get(ref) ?? []) t.cancel();
    this.timers.delete(ref);
  }
}
