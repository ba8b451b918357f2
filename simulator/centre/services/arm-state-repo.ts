/** Armed state and judged closing deadlines: the one place their SQL lives; runs inside the caller's transaction. */
import type { Db } from "./services-db.js";

export class ArmStateRepo {
  constructor(private readonly db: Db) {}

  armed(installationId: number): boolean {
    return (this.db.prepare("SELECT armed FROM svc_arm_state WHERE installation_id = ?").get(installationId) as { armed: number } | undefined)?.armed === 1;
  }

  /** The latest open/close event wins; an older one arriving late changes nothing. */
  setArmed(installationId: number, armed: boolean, at: number): void {
    this.db
      .prepare("INSERT INTO svc_arm_state (installation_id, armed, at) VALUES (?, ?, ?) ON CONFLICT(installation_id) DO UPDATE SET armed = excluded.armed, at = excluded.at WHERE excluded.at >= svc_arm_state.at")
      .run(installationId, armed ? 1 : 0, at);
  }

  /** Records that a day's closing deadline was judged; false when it already was (by this or another process). */
  judgeClosing(installationId: number, date: string, at: number, armed: boolean): boolean {
    return this.db.prepare("INSERT OR IGNORE INTO svc_close_checks (installation_id, date, at, armed) VALUES (?, ?, ?, ?)").run(installationId, date, at, armed ? 1 : 0).changes > 0;
  }
}
