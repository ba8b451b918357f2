/**
 * The asynchronous work a callback started and has not seen finish: store calls from the supervisors'
 * timers, the services' background writes (provider reports, command expiry, centre alarms closed with
 * their incidents). Timers and events fire synchronously, the store answers asynchronously: `settled()`
 * lets a test step fake time and then wait for what the step set off (and for what that in turn set off)
 * before it looks at the result.
 */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  track(p: Promise<unknown>): void {
    const done = p.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(done);
    void done.then(() => this.running.delete(done));
  }

  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
