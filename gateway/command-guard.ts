/**
 * Admission of centre commands whose signature already verified against the pinned centre key
 * (openDownlink). Refuses stale and expired commands and replays: executed ids are remembered in the
 * SQLite file, so a command captured and re-sent after a restart is still refused: a replayed "arm"
 * must never act on a panel (the retained one is refused before this: downlink/route-downlink.ts).
 */
import { checkFreshness, DEFAULT_FRESHNESS, isProtocolError, type Command, type FreshnessWindow } from "../protocol/index.js";
import type { Db } from "./database.js";
import { GatewayError } from "./errors.js";
import { checkOptionalRow, ExecutedRow } from "./store-rows.js";

/** Ids of commands that expired this long ago are forgotten: expiry alone refuses them by then. */
const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

export class CommandGuard {
  private readonly st;
  private admitted = 0;

  constructor(
    db: Db,
    private readonly window: FreshnessWindow = DEFAULT_FRESHNESS,
  ) {
    this.st = {
      seen: db.prepare("SELECT 1 FROM executed WHERE id = ?"),
      record: db.prepare("INSERT INTO executed (id, exp) VALUES (?, ?)"),
      forget: db.prepare("DELETE FROM executed WHERE exp < ?"),
    };
  }

  /**
   * Accept a command for execution, recording its id durably first (at most once: a crash after
   * this point loses the execution, never repeats it). `centreSent` is the frame's centre time,
   * `now` the gateway's corrected clock. Throws GatewayError stale | expired | replay.
   */
  admit(cmd: Command, centreSent: number, now: number, skipFreshness = false): void {
    // A time-sync is how a gateway with a wrong clock learns the right one: its freshness cannot be
    // judged by the clock it corrects (protocol/frame.ts); expiry and replay still apply.
    if (!skipFreshness) {
      try {
        checkFreshness(centreSent, now, this.window);
      } catch (e) {
        if (isProtocolError(e)) throw new GatewayError("stale", `command ${cmd.id}: ${e.message}`);
        throw e;
      }
    }
    if (cmd.exp <= now) throw new GatewayError("expired", `command ${cmd.id} expired ${now - cmd.exp} ms ago`);
    if (checkOptionalRow(ExecutedRow, "executed", this.st.seen.get(cmd.id))) throw new GatewayError("replay", `command ${cmd.id} was already executed`);
    this.st.record.run(cmd.id, cmd.exp);
    if (++this.admitted % 100 === 0) this.st.forget.run(now - FORGET_AFTER_MS);
  }
}
