/**
 * The embedded broker's revocation check without a database round trip per connection: the revoked
 * certificate serials, loaded at start and reloaded every `everyMs` on the clock port, answered from memory
 * (`has`, synchronous, as the TLS accept handler needs). A revocation committed to the store at time t is
 * refused for every connection that starts after t + everyMs + one load (the reload in flight at t may
 * have read the store just before), and `onRevoked` then names the newly revoked serials, so sessions
 * already open are cut within the same bound. A failed reload keeps the last set and is retried at the
 * next period: a store outage never locks the panels out (alarm transmission first, EN 50136-1), and the
 * CRL file (loaded with the store's list, see centre-service.ts) still applies.
 */
import type { Clock, Timer } from "../../../protocol/clock.js";
import { silentLogger, type Logger } from "../logger.js";

export interface RevokedSerialsOptions {
  /** Every revoked serial (hex, any case). Its failure at start fails `start()`. */
  readonly load: () => Promise<Iterable<string>>;
  readonly clock: Clock;
  /** Reload period (default 2,000 ms): the bound on how long a revoked certificate still connects. */
  readonly everyMs?: number;
  /** Serials revoked since the last load (lower case), e.g. to disconnect their sessions. */
  readonly onRevoked?: (serials: readonly string[]) => void;
  readonly logger?: Logger;
}

const DEFAULT_REVOCATION_PERIOD_MS = 2_000;

export class RevokedSerials {
  readonly everyMs: number;
  private serials = new Set<string>();
  private timer: Timer | undefined;
  private running = false;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly o: RevokedSerialsOptions) {
    this.everyMs = o.everyMs ?? DEFAULT_REVOCATION_PERIOD_MS;
  }

  /** Whether `serialHex` (any case, as Node's getPeerCertificate() gives it) is revoked, from memory. */
  has(serialHex: string): boolean {
    return this.serials.has(serialHex.toLowerCase());
  }

  get size(): number {
    return this.serials.size;
  }

  /** Load once (throws what the store threw), then reload every `everyMs`. */
  async start(): Promise<void> {
    this.serials = normalise(await this.o.load());
    this.running = true;
    this.arm();
  }

  stop(): Promise<void> {
    this.running = false;
    this.timer?.cancel();
    this.timer = undefined;
    return this.inFlight;
  }

  /** Resolves once the reload in flight (if any) is done: tests step fake time, then await this. */
  settled(): Promise<void> {
    return this.inFlight;
  }

  private arm(): void {
    if (!this.running) return;
    this.timer = this.o.clock.schedule(this.everyMs, () => {
      this.inFlight = this.reload().finally(() => this.arm());
    });
  }

  private async reload(): Promise<void> {
    let next: Set<string>;
    try {
      next = normalise(await this.o.load());
    } catch (e) {
      (this.o.logger ?? silentLogger).log("warn", "broker: revoked certificates not reloaded, keeping the last list", { error: (e as Error).message, serials: this.serials.size });
      return;
    }
    if (!this.running) return;
    const added = [...next].filter((s) => !this.serials.has(s));
    this.serials = next;
    if (added.length) this.o.onRevoked?.(added);
  }
}

function normalise(serials: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const s of serials) out.add(s.toLowerCase());
  return out;
}
