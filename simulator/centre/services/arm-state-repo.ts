/** Armed state and judged closing deadlines: the one place their SQL lives; runs inside the caller's transaction. */
import type { ServicesDb } from "./services-db.js";

export class ArmStateRepo {
  constructor(private readonly db: ServicesDb) {}

  async armed(installationId: number): Promise<boolean> {
    return ((await this.db.get<{ armed: number }>("SELECT armed FROM svc_arm_state WHERE installation_id = ?", installationId)))?.armed === 1;
  }

  /** The latest open/close event wins; an older one arriving late changes nothing. */
  async setArmed(installationId: number, armed: boolean, at: number): Promise<void> {
    await this.db.run("INSERT INTO svc_arm_state (installation_id, armed, at) VALUES (?, ?, ?) ON CONFLICT(installation_id) DO UPDATE SET armed = excluded.armed, at = excluded.at WHERE excluded.at >= svc_arm_state.at", installationId, armed ? 1 : 0, at);
  }

  /** Records that a day's closing deadline was judged; false when it already was (by this or another process). */
  async judgeClosing(installationId: number, date: string, at: number, armed: boolean): Promise<boolean> {
    return (await this.db.run("INSERT INTO svc_close_checks (installation_id, date, at, armed) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", installationId, date, at, armed ? 1 : 0)) > 0;
  }
}
