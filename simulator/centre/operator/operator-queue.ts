/**
 * The operators' queue: open alarms, most urgent priority first and, within a priority, oldest first;
 * each taken by one operator, handled, then closed, with the full history of the frames and steps behind
 * it. Steps run in an immediate transaction, so two operators cannot take the same alarm.
 */
import { nextAlarmState, type Alarm, type AlarmAction } from "../store/alarm.js";
import type { AlarmFrame, AlarmLogEntry } from "../store/alarm-book.js";
import type { CentreStore } from "../store/centre-store.js";
import { systemClock, type Clock } from "../../../protocol/clock.js";
import { CentreError } from "../errors.js";

export interface AlarmHistory {
  readonly alarm: Alarm;
  readonly frames: readonly AlarmFrame[];
  readonly log: readonly AlarmLogEntry[];
}

export class OperatorQueue {
  private readonly step;

  constructor(
    private readonly store: CentreStore,
    private readonly clock: Clock = systemClock,
  ) {
    this.step = store.db.transaction((id: number, action: AlarmAction, operator: string, note: string | null): Alarm => {
      const a = store.alarms.get(id);
      if (action !== "take" && a.operator !== operator) throw new CentreError("not-owner", `alarm ${id} is ${a.operator ? `taken by ${a.operator}` : "not taken"}`);
      const state = nextAlarmState(a.state, action);
      store.alarms.setState(id, state, state === "new" ? null : operator, this.clock.now(), note);
      return store.alarms.get(id);
    });
  }

  /** Open alarms in working order (priority, then age); with `all`, closed ones too. */
  list(all = false): Alarm[] {
    return this.store.alarms.list(all);
  }

  /** The alarm an idle operator should take next. */
  next(): Alarm | undefined {
    return this.list().find((a) => a.state === "new");
  }

  take(id: number, operator: string, note?: string): Alarm {
    return this.step.immediate(id, "take", operator, note ?? null);
  }

  /** Give a taken alarm back to the queue. */
  release(id: number, operator: string, note?: string): Alarm {
    return this.step.immediate(id, "release", operator, note ?? null);
  }

  handle(id: number, operator: string, note?: string): Alarm {
    return this.step.immediate(id, "handle", operator, note ?? null);
  }

  close(id: number, operator: string, note?: string): Alarm {
    return this.step.immediate(id, "close", operator, note ?? null);
  }

  history(id: number): AlarmHistory {
    return { alarm: this.store.alarms.get(id), frames: this.store.alarms.frames(id), log: this.store.alarms.entries(id) };
  }
}
