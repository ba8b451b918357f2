/**
 * The timer loop behind a supervisor whose deadlines live in storage: run the check now, then sleep on the
 * clock port until the next deadline falls due, and run it again. Re-planned after every change that may
 * move a deadline, so a restart or an edit never leaves one unwatched.
 */
import type { Clock, Timer } from "../../../protocol/clock.js";

export class CheckLoop {
  #timer: Timer | undefined;
  #running = false;

  /**
   * @param check judges every deadline that has passed
   * @param nextWait how long to sleep from `now` until the next deadline, or undefined when none is due
   */
  constructor(
    private readonly clock: Clock,
    private readonly check: () => void,
    private readonly nextWait: (now: number) => number | undefined,
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

  /** After a change that may move a deadline: checks and re-plans, when running. */
  replan(): void {
    if (this.#running) this.plan();
  }

  private plan(): void {
    this.#timer?.cancel();
    if (!this.#running) return;
    this.check();
    const wait = this.nextWait(this.clock.now());
    if (wait === undefined) return;
    this.#timer = this.clock.schedule(wait, () => this.plan());
  }
}
