/**
 * "Possible lost events": a sequence number that is still missing when a higher one of the same panel
 * has been stored for longer than a grace period. Frames leave a panel in priority order, not sequence
 * order (the outbox sends by priority class), so a gap is only suspicious once the grace period has passed.
 *
 * The check reads the shared store, not this receiver's own traffic, so receivers that split a panel's
 * frames between them see no false gaps; `panels.gap_checked` (moved in the check's transaction,
 * FramesPort.checkGaps) makes each gap one alert across receivers and restarts. A panel's first stored
 * frame sets the baseline. When only one receiver runs the detector (the leader of the "gaps" role on
 * PostgreSQL), `sweepMs` has it look at every panel periodically, so frames stored by the other
 * receivers are checked too: a gap is then reported within grace + sweep.
 */
import { Priority } from "../../../protocol/index.js";
import type { Clock, Timer } from "../../../protocol/clock.js";
import type { CentreStorePort, GapAlarm } from "../store-pg/port.js";
import { silentLogger, type Logger } from "../logger.js";
import { InFlight } from "./in-flight.js";

export interface LostEvents {
  readonly panel: string;
  /** Inclusive range of missing sequence numbers. */
  readonly from: number;
  readonly to: number;
  readonly alarmId: number;
}

function lostEventsAlarm(panel: string): GapAlarm {
  return (from, to) => {
    const range = from === to ? `${from}` : `${from}-${to}`;
    return { kind: "lost-events", key: `lost-events:${range}`, title: `possible lost events: ${panel} sequence ${range} never arrived`, priority: Priority.Urgent };
  };
}

export class GapDetector {
  private readonly timers = new Map<string, Timer>();
  private readonly work = new InFlight();
  private sweep: Timer | undefined;
  private running = false;

  constructor(
    private readonly store: CentreStorePort,
    private readonly clock: Clock,
    readonly graceMs: number,
    private readonly onLost: (l: LostEvents) => void = () => {},
    private readonly log: Logger = silentLogger,
    /** Check every panel this often as well (0: only the panels this receiver stores frames of). */
    private readonly sweepMs = 0,
  ) {}

  /** After a (re)start: check every panel now, and arm the re-checks of frames not yet settled. */
  start(): void {
    this.running = true;
    this.all();
  }

  /** A frame of this panel was stored now: look for gaps once the grace period has passed. */
  stored(panel: string): void {
    if (this.running && !this.timers.has(panel)) this.schedule(panel, this.graceMs);
  }

  /** Resolves once the checks set off so far have finished. */
  settled(): Promise<void> {
    return this.work.settled();
  }

  private all(): void {
    this.work.track(
      (async () => {
        for (const p of await this.store.registry.panels()) if (this.running) await this.run(p.panel);
      })().catch((e: unknown) => this.log.log("error", "gap check: store call failed", { error: (e as Error).message })),
    );
    // A failed sweep is simply the next one's work.
    if (this.sweepMs > 0) this.sweep = this.clock.schedule(this.sweepMs, () => this.running && this.all());
  }

  private schedule(panel: string, ms: number): void {
    this.timers.set(
      panel,
      this.clock.schedule(ms, () => {
        this.timers.delete(panel);
        this.work.track(
          this.run(panel).catch((e: unknown) => {
            this.log.log("error", "gap check: store call failed, retrying", { panel, error: (e as Error).message });
            if (this.running && !this.timers.has(panel)) this.schedule(panel, Math.min(this.graceMs, 5_000));
          }),
        );
      }),
    );
  }

  /** Check one panel now; resolves with the gaps found (each also reported to `onLost`). */
  async run(panel: string): Promise<LostEvents[]> {
    const now = this.clock.now();
    const found = await this.store.frames.checkGaps(panel, now, this.graceMs, lostEventsAlarm(panel));
    for (const l of found) {
      this.log.log("warn", "possible lost events", { ...l });
      this.onLost(l);
    }
    // Frames stored within the grace period are not settled yet: look again the moment the oldest is.
    const next = await this.store.frames.oldestArrivalAfter(panel, now - this.graceMs);
    if (next !== undefined && this.running && !this.timers.has(panel)) this.schedule(panel, next + this.graceMs - this.clock.now());
    return found;
  }

  stop(): void {
    this.running = false;
    this.sweep?.cancel();
    this.sweep = undefined;
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }
}
