/**
 * Leadership on SQLite: a lease row with an expiry, renewed by its holder at every poll. Another holder
 * takes it once it has expired, so a holder that died is replaced within the lease's time-to-live plus one
 * poll period. The receivers share one file on one machine, hence one clock for the expiry times.
 */
import type { Db } from "../store/db.js";
import type { Leadership } from "./leadership.js";

export class SqliteLease implements Leadership {
  private readonly claim;
  private readonly drop;

  constructor(
    db: Db,
    readonly name: string,
    readonly holder: string,
    readonly ttlMs: number,
    private readonly now: () => number,
  ) {
    // Take a free or expired lease, or renew our own; `changes` tells which happened.
    this.claim = db.prepare(
      `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`,
    );
    this.drop = db.prepare("DELETE FROM leases WHERE name = ? AND holder = ?");
  }

  async poll(): Promise<boolean> {
    const t = this.now();
    try {
      return this.claim.run(this.name, this.holder, t + this.ttlMs, t).changes === 1;
    } catch {
      return false; // busy or closed: not leader for now
    }
  }

  async release(): Promise<void> {
    try {
      this.drop.run(this.name, this.holder);
    } catch {
      // the file is closed: the lease expires on its own
    }
  }
}
