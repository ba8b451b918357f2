/**
 * The receiver's intake, wired: per-panel queues served in turn (fair-intake.ts) behind the per-panel
 * budget of frames that fail verification (flood-guard.ts), whose episodes become the operator's
 * "flooding" alarm (flooding-alarm.ts). The Receiver hands it every uplink frame and tells it of each
 * frame that did not verify; it hands frames back in turn.
 */
import type { Clock } from "../../../protocol/clock.js";
import type { Logger } from "../logger.js";
import type { AlarmsPort } from "../store-pg/port.js";
import { FairIntake } from "./fair-intake.js";
import { FloodGuard } from "./flood-guard.js";
import { raiseFloodingAlarm } from "./flooding-alarm.js";

export interface ReceiverIntakeOptions {
  readonly name: string;
  readonly clock: Clock;
  readonly alarms: AlarmsPort;
  readonly log: Logger;
  readonly flood?: { readonly burst?: number; readonly perSecond?: number };
  readonly perPanel?: number;
  readonly perTurn?: number;
  /** How to yield between turns (fair-intake.ts; default setImmediate). */
  readonly defer?: (fn: () => void) => void;
  /** One frame, in its panel's turn. */
  readonly take: (topic: string, message: Uint8Array) => void;
  /** After each turn (the receiver's group commit). */
  readonly turnEnd: () => void;
  /** A frame dropped unjudged. */
  readonly refused: (panel: string, why: "over-budget" | "queue-full") => void;
  /** A flooding episode started; `alarmId` opened (`created`) or joined. */
  readonly flooding: (panel: string, alarmId: number, created: boolean) => void;
}

export class ReceiverIntake {
  private readonly guard: FloodGuard;
  private readonly queues: FairIntake<{ topic: string; message: Uint8Array }>;
  readonly stats = { unverified: 0, overBudget: 0, queueFull: 0 };

  constructor(private readonly o: ReceiverIntakeOptions) {
    this.guard = new FloodGuard({ clock: o.clock, ...o.flood, onEpisode: (panel, at) => this.episode(panel, at) });
    this.queues = new FairIntake({
      perPanel: o.perPanel,
      perTurn: o.perTurn,
      ...(o.defer ? { defer: o.defer } : {}),
      admit: (panel) => this.guard.admit(panel),
      take: (_panel, m) => o.take(m.topic, m.message),
      turnEnd: o.turnEnd,
      dropped: (panel, why) => {
        if (why === "over-budget") this.stats.overBudget++;
        else this.stats.queueFull++;
        o.refused(panel, why);
      },
    });
  }

  offer(panel: string, topic: string, message: Uint8Array): void {
    this.queues.offer(panel, { topic, message });
  }

  /** A frame of `panel` did not verify: it spends the panel's budget. */
  unverified(panel: string): void {
    this.stats.unverified++;
    this.guard.unverified(panel);
  }

  /** Whether `panel` is in a flooding episode (its drops are not logged one by one). */
  flooding(panel: string): boolean {
    return this.guard.flooding(panel);
  }

  drainAll(): void {
    this.queues.drainAll();
  }

  clear(): void {
    this.queues.clear();
  }

  private episode(panel: string, at: number): void {
    this.o.log.log("warn", "receiver: panel flooding, its frames are dropped unverified while over budget", { receiver: this.o.name, panel });
    raiseFloodingAlarm(this.o.alarms, panel, at).then(
      ({ id, created }) => this.o.flooding(panel, id, created),
      (e: unknown) => this.o.log.log("error", "receiver: flooding alarm not stored", { receiver: this.o.name, panel, error: (e as Error).message }),
    );
  }
}
