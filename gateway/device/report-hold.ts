/**
 * Events the gateway's outbox refused (disk full: "store-full", other write failure: "storage"), held by
 * the device in memory and offered again, in order, until the outbox takes them. While anything is held,
 * or a background write of the gateway failed, the panel shows the event storage fault (354, EN 50131-1
 * 8.9); the first write that succeeds with nothing left held clears it, so the restore is reported after
 * the held events are stored.
 *
 * The panel is told of the fault on a zero-delay timer, never from inside report(): report() runs while
 * the panel core's step is carried out, and a second step there would interleave with the first.
 */
import type { Event } from "../../protocol/index.js";
import type { Clock, Timer } from "../../protocol/clock.js";
import { GatewayError, storageError } from "../errors.js";

export interface ReportHoldOptions {
  /** The durable write (Gateway.report): returns the event's sequence number, throws a GatewayError. */
  readonly write: (event: Event) => number;
  readonly clock: Clock;
  /** The panel's fault input: `false` while events cannot be stored, `true` once they are again. */
  readonly onStore: (ok: boolean) => void;
  /** Told of every event once it is stored, with its sequence number. */
  readonly onStored?: (event: Event, seq: number) => void;
  readonly log?: (level: "info" | "warn" | "error", msg: string) => void;
  /** Most events held; beyond it the oldest is dropped and counted. */
  readonly capacity?: number;
  /** How often the held events are offered again. */
  readonly retryMs?: number;
}

export const DEFAULT_HOLD_CAPACITY = 1000;
export const DEFAULT_HOLD_RETRY_MS = 5000;

export class ReportHold {
  readonly #o: ReportHoldOptions;
  readonly #capacity: number;
  readonly #retryMs: number;
  readonly #held: Event[] = [];
  #dropped = 0;
  /** The fault as last told to the panel (or about to be). */
  #failing = false;
  #retry: Timer | undefined;
  readonly #tells = new Set<Timer>();
  #stopped = false;

  constructor(o: ReportHoldOptions) {
    this.#o = o;
    this.#capacity = o.capacity ?? DEFAULT_HOLD_CAPACITY;
    this.#retryMs = o.retryMs ?? DEFAULT_HOLD_RETRY_MS;
    if (!Number.isInteger(this.#capacity) || this.#capacity < 1) throw new GatewayError("bad-config", `hold capacity ${this.#capacity}: a whole number of at least 1`);
    if (!(this.#retryMs > 0)) throw new GatewayError("bad-config", `hold retry ${this.#retryMs} ms: must be above 0`);
  }

  /** Events waiting for the outbox. */
  get held(): number {
    return this.#held.length;
  }

  /** Held events dropped, oldest first, because the hold was full. */
  get dropped(): number {
    return this.#dropped;
  }

  /** The panel's reporter. Throws only what is not a storage failure (bad-event, stopped). */
  report(event: Event): void {
    if (this.#held.length > 0) {
      // Behind events already held: order is kept, so this one waits its turn.
      this.#hold(event);
      this.#flush();
      return;
    }
    if (this.#write(event, true)) this.#stored();
  }

  /** A background write of the gateway failed (its "storage" event): the same fault. */
  storageFailed(error: GatewayError): void {
    this.#o.log?.("warn", `outbox write failed in the background (${error.code}): event storage fault`);
    this.#tell(false);
  }

  /** No more retries or fault changes; what is still held is logged as lost with the count. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#retry?.cancel();
    this.#retry = undefined;
    for (const t of this.#tells) t.cancel();
    this.#tells.clear();
    if (this.#held.length > 0) this.#o.log?.("error", `${this.#held.length} events never stored in the outbox (kept in the panel's event log)`);
  }

  /** One write; true when stored. A storage failure holds a `fresh` event (a held one stays first); anything else is thrown. */
  #write(event: Event, fresh: boolean): boolean {
    try {
      const seq = this.#o.write(event);
      this.#o.onStored?.(event, seq);
      return true;
    } catch (e) {
      const error = storageError(e);
      if (!error) throw e;
      if (fresh) this.#hold(event);
      if (!this.#failing) this.#o.log?.("warn", `outbox refused event ${event.code} (${error.code}): held, retried every ${this.#retryMs} ms`);
      this.#tell(false);
      this.#arm();
      return false;
    }
  }

  #hold(event: Event): void {
    this.#held.push(event);
    if (this.#held.length > this.#capacity) {
      const lost = this.#held.shift()!;
      this.#dropped++;
      this.#o.log?.("error", `event hold full: dropped event ${lost.code} q${lost.q} at ${lost.at} (${this.#dropped} dropped)`);
    }
  }

  /** Offers the held events in order; stops at the first refusal. */
  #flush(): void {
    while (this.#held.length > 0) {
      const next = this.#held[0]!;
      let ok: boolean;
      try {
        ok = this.#write(next, false);
      } catch (e) {
        this.#o.log?.("error", `held event ${next.code} not offered: ${(e as Error).message}`);
        this.#arm();
        return;
      }
      if (!ok) return;
      this.#held.shift();
    }
    this.#stored();
  }

  /** A write succeeded with nothing held: storage works. */
  #stored(): void {
    if (this.#held.length === 0 && this.#failing) {
      this.#o.log?.("info", "outbox stores events again: event storage fault restored");
      this.#tell(true);
    }
  }

  #arm(): void {
    if (this.#retry || this.#stopped) return;
    this.#retry = this.#o.clock.schedule(this.#retryMs, () => {
      this.#retry = undefined;
      this.#flush();
    });
  }

  #tell(ok: boolean): void {
    if (this.#failing === !ok || this.#stopped) return;
    this.#failing = !ok;
    const t = this.#o.clock.schedule(0, () => {
      this.#tells.delete(t);
      this.#o.onStore(ok);
    });
    this.#tells.add(t);
  }
}
