/**
 * Leadership: the timers that must fire once for the whole centre (supervision deadlines, gap grace,
 * schedule supervision) are owned by one receiver at a time. Each store offers a claim: PostgreSQL an
 * advisory lock held by a dedicated connection (freed the moment that session ends), SQLite a lease row
 * with an expiry. A LeaderElector polls the claim on the clock port.
 */
export interface Leadership {
  readonly name: string;
  readonly holder: string;
  /**
   * Take the role or confirm it is still ours; true while this holder has it. Never throws: a database
   * that cannot be reached means "not leader" (a leader that cannot see the database must stand down).
   */
  poll(): Promise<boolean>;
  /** Give the role up (the next poll of another holder takes it); also closes any dedicated connection. */
  release(): Promise<void>;
}
