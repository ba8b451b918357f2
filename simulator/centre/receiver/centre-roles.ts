/**
 * The timers that must fire once for the whole centre, as roles a receiver leads: "supervision" (EN 50136-1
 * reporting-time deadlines) and "gaps" (lost-event checks). Each role has a LeaderElector over the store's
 * Leadership claim; its task runs from "leads" to "stands down".
 */
import type { Clock } from "../../../protocol/clock.js";
import { LeaderElector } from "../store-pg/leader-elector.js";
import type { CentreStorePort } from "../store-pg/port.js";
import type { Logger } from "../logger.js";

export interface RoleTask {
  start(): void;
  stop(): void;
}

export function centreRoles(store: CentreStorePort, holder: string, clock: Clock, everyMs: number, tasks: Readonly<Record<string, RoleTask>>, log: Logger): LeaderElector[] {
  return Object.entries(tasks).map(
    ([role, task]) =>
      new LeaderElector(store.leadership(role, { holder, now: () => clock.now() }), clock, everyMs, (on) => {
        log.log("info", on ? "receiver: leads" : "receiver: stands down", { receiver: holder, role });
        if (on) task.start();
        else task.stop();
      }),
  );
}
