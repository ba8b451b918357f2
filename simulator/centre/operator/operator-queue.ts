/**
 * The operators' queue: open alarms, most urgent priority first and, within a priority, oldest first;
 * each taken by one operator, handled, then closed, with the full history of the frames and steps behind
 * it. Each step is one transaction in the store (AlarmsPort.transition: an immediate transaction on
 * SQLite, a row lock on PostgreSQL), so two operators cannot take the same alarm.
 */
import type { Alarm } from "../store/alarm.js";
import type { AlarmFrame, AlarmLogEntry } from "../store/alarm-book.js";
import type { CentreStore } from "../store/centre-store.js";
import type { CentreStorePort } from "../store-pg/port.js";
import { storePortOf } from "../store-pg/store-port-of.js";
import { systemClock, type Clock } from "../../../protocol/clock.js";

export interface AlarmHistory {
  readonly alarm: Alarm;
  readonly frames: readonly AlarmFrame[];
  readonly log: readonly AlarmLogEntry[];
}

export class OperatorQueue {
  private readonly store: CentreStorePort;

  constructor(
    store: CentreStore | CentreStorePort,
    private readonly clock: Clock = systemClock,
  ) {
    this.store = storePortOf(store);
  }

  /** Open alarms in working order (priority, then age); with `all`, closed ones too. */
  list(all = false): Promise<Alarm[]> {
    return this.store.alarms.list(all);
  }

  /** The alarm an idle operator should take next. */
  async next(): Promise<Alarm | undefined> {
    return (await this.list()).find((a) => a.state === "new");
  }

  take(id: number, operator: string, note?: string): Promise<Alarm> {
    return this.store.alarms.transition(id, "take", operator, this.clock.now(), note ?? null);
  }

  /** Give a taken alarm back to the queue. */
  release(id: number, operator: string, note?: string): Promise<Alarm> {
    return this.store.alarms.transition(id, "release", operator, this.clock.now(), note ?? null);
  }

  handle(id: number, operator: string, note?: string): Promise<Alarm> {
    return this.store.alarms.transition(id, "handle", operator, this.clock.now(), note ?? null);
  }

  close(id: number, operator: string, note?: string): Promise<Alarm> {
    return this.store.alarms.transition(id, "close", operator, this.clock.now(), note ?? null);
  }

  async history(id: number): Promise<AlarmHistory> {
    const [alarm, frames, log] = await Promise.all([this.store.alarms.get(id), this.store.alarms.frames(id), this.store.alarms.entries(id)]);
    return { alarm, frames, log };
  }
}
