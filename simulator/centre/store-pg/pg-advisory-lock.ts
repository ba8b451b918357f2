/**
 * Leadership on PostgreSQL: a session-level advisory lock (pg_try_advisory_lock) held by a dedicated
 * connection, outside the pool. The server frees it the moment that session ends: the holder's process
 * dies, its connection is cut, or an administrator terminates its backend. Another holder then takes it at
 * its next poll, so the takeover is bounded by the poll period (plus, for a silently vanished machine,
 * the server's TCP keepalive; see README.md). While holding, a poll checks the connection is alive: a
 * holder that lost its session stands down for one poll before it reconnects, so a holder whose process
 * lives on does not race the others for the lock it has just lost.
 */
import { createHash } from "node:crypto";
import pg from "pg";
import type { Leadership } from "./leadership.js";

/** A stable 64-bit lock key for a role name (pg advisory locks take one bigint). */
function advisoryKey(name: string): string {
  return createHash("sha256").update(`open-alarm/${name}`).digest().readBigInt64BE(0).toString();
}

export class PgAdvisoryLock implements Leadership {
  private client: pg.Client | undefined;
  private held = false;
  /** The session was lost while holding, between polls: the next poll reports "not leader" and waits. */
  private standDown = false;
  private readonly key: string;

  constructor(
    private readonly url: string,
    readonly name: string,
    readonly holder: string,
    private readonly connectTimeoutMs = 5000,
  ) {
    this.key = advisoryKey(name);
  }

  async poll(): Promise<boolean> {
    if (this.standDown) {
      this.standDown = false;
      return false;
    }
    try {
      const c = this.client ?? (await this.connect());
      if (this.held) await c.query("SELECT 1"); // the session lives, so does its lock
      else this.held = (await c.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS ok", [this.key])).rows[0]!.ok;
    } catch {
      this.drop();
      this.standDown = false; // this poll already says "not leader"
    }
    return this.held;
  }

  async release(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    this.held = false;
    this.standDown = false;
    await c?.end().catch(() => undefined); // ending the session frees the lock
  }

  private async connect(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: this.connectTimeoutMs, application_name: `leader:${this.name}:${this.holder}` });
    c.on("error", () => {
      if (this.client === c) this.drop();
    });
    await c.connect();
    this.client = c;
    return c;
  }

  private drop(): void {
    const c = this.client;
    this.client = undefined;
    if (this.held) this.standDown = true;
    this.held = false;
    c?.end().catch(() => undefined);
  }
}
