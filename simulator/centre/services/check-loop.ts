/**
 * The timer loop behind a supervisor whose deadlines live in storage: run the check now, then sleep on the
 * clock port until the next deadline falls due, and run it again. Re-planned after every change that may
 * move a deadline, so a restart or an edit never leaves one unwatched. One round runs at a time; a replan
 * asked for during a round runs once after it. A round that fails (the database is away) is reported and
 * tried again after RETRY_MS, so a deadline is judged late rather than never.
 */
import type { Clock, Timer } from "../../../protocol/clock.js";

/** How long after a failed round the loop tries again. */
export const RETRY_MS = 5_000;

export class CheckLoop {
  #timer: Timer | undefined;
  #running = false;
  #round: Promise<void> | undefined;
  #again = false;

  /**
   * @param check judges every deadline that has passed
   * @param nextWait how long to sleep from `now` until the next deadline, or undefined when none is due
   * @param onError told of a round that failed (it is retried)
   */
  constructor(
    private readonly clock: Clock,
    private readonly check: () => Promise<void>,
    private readonly nextWait: (now: number) => Promise<number | undefined>,
    private readonly onError: (e: unknown) => void = () => undefined,
  ) {}

  get running(): boolean {
    return this.#running;
  }

  start(): void {
    this.#running = true;
    this.plan();
  }

  stop(): void {
    this.#running = false;
    this.#timer?.cancel();
  }

  /** After a change that may move a deadline: checks and re-plans, when running; resolves when checked. */
  replan(): Promise<void> {
    if (this.#running) this.plan();
    return this.idle();
  }

  /** Resolves once no round is under way (tests: after advancing the clock). */
  async idle(): Promise<void> {
    while (this.#round) await this.#round;
  }

  private plan(): void {
    this.#timer?.cancel();
    if (!this.#running) return;
    if (this.#round) {
      this.#again = true;
      return;
    }
    this.#round = this.run().finally(() => {
      this.#round = undefined;
      if (!this.#again) return;
      this.#again = false;
      this.plan();
    });
  }

  private async run(): Promise<void> {
    let wait: number | undefined;
    try {
      await this.check();
      wait = await this.nextWait(this.clock.now());
    } catch (e) {
      this.onError(e);
      wait = RETRY_MS;
    }
    if (!this.#running || this.#again) return;
    if (wait !== undefined) this.#timer = this.clock.schedule(wait, () => this.plan());
  }
}
