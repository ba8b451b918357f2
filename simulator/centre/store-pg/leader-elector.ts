/**
 * Polls a Leadership claim on the clock port and reports changes. The role moves to another receiver
 * within a bounded time when its holder dies: PostgreSQL (advisory lock) within one poll period, a lease
 * row within its time-to-live plus one poll period. A holder that cannot reach the database stands down at
 * its next poll, so two leaders overlap for at most one period; the open-alarm index and the gap mark make
 * the alarms they raise in that window one alarm each.
 */
import type { Clock, Timer } from "../../../protocol/clock.js";
import type { Leadership } from "./leadership.js";

export type ElectorState = "idle" | "running" | "stopped";

export class LeaderElector {
  private state: ElectorState = "idle";
  private timer: Timer | undefined;
  private inFlight: Promise<void> = Promise.resolve();
  private isLeader = false;

  constructor(
    private readonly claim: Leadership,
    private readonly clock: Clock,
    /** Poll period. */
    readonly everyMs: number,
    private readonly onChange: (leader: boolean) => void = () => {},
  ) {}

  /** The role's name (the claim's). */
  get role(): string {
    return this.claim.name;
  }

  get leader(): boolean {
    return this.isLeader;
  }

  /** Poll now, then every `everyMs`. */
  start(): void {
    if (this.state !== "idle") return;
    this.state = "running";
    this.poll();
  }

  /** Stop polling and give the role up. */
  async stop(): Promise<void> {
    this.halt();
    await this.inFlight;
    this.set(false);
    await this.claim.release();
  }

  /** Die on the spot, as a crashed process would: no more polls, nothing released. */
  kill(): void {
    this.halt();
    this.isLeader = false;
  }

  /** Resolves once the poll in flight (if any) has finished: tests step fake time, then await this. */
  settled(): Promise<void> {
    return this.inFlight;
  }

  private halt(): void {
    this.state = "stopped";
    this.timer?.cancel();
    this.timer = undefined;
  }

  private poll(): void {
    // A claim's poll never throws by contract; should one do so anyway, it counts as "not leader".
    this.inFlight = this.claim.poll().catch(() => false).then((held) => {
      if (this.state !== "running") return;
      this.set(held);
      this.timer = this.clock.schedule(this.everyMs, () => this.poll());
    });
  }

  private set(leader: boolean): void {
    if (leader === this.isLeader) return;
    this.isLeader = leader;
    this.onChange(leader);
  }
}
