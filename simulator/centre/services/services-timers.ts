/**
 * The services' own timers (arm/disarm deadlines, fault persistence, remote-command expiry) run in one
 * alarm-centre at a time when several share a database: the one leading the "schedules" role (the store's
 * Leadership claim: a PostgreSQL advisory lock on its own session, freed when that process dies), taken
 * over at the next poll of another. Each deadline is also judged once through the database (a unique close
 * check per day, a fault's ticket set once, a command ended once), so a double run writes nothing twice.
 * Alone on a database (SQLite, one process), they run at once.
 */
import type { Clock } from "../../../protocol/clock.js";
import type { Logger } from "../logger.js";
import { LeaderElector } from "../store-pg/leader-elector.js";
import type { CentreStorePort } from "../store-pg/port.js";
import type { Services } from "./services.js";

export const TIMERS_ROLE = "schedules";

export interface TimersLead {
  /** This process's name in the claim (its receivers' holder names are separate roles). */
  readonly holder: string;
  /** How often the claim is polled: the bound on a takeover after the leader dies. */
  readonly everyMs: number;
}

export interface ServicesTimers {
  /** The elector, when the timers follow a role (tests: settled(), leader). */
  readonly elector?: LeaderElector;
  stop(): Promise<void>;
}

export async function startServicesTimers(services: Services, store: CentreStorePort, clock: Clock, log: Logger, lead?: TimersLead): Promise<ServicesTimers> {
  if (!lead) {
    await services.start();
    return { stop: async () => services.stop() };
  }
  const elector = new LeaderElector(store.leadership(TIMERS_ROLE, { holder: lead.holder, now: () => clock.now() }), clock, lead.everyMs, (on) => {
    log.log("info", on ? "services: timers lead" : "services: timers stand down", { holder: lead.holder });
    if (on) services.start().catch((e: unknown) => log.log("error", "services: timers failed to start", { error: (e as Error).message }));
    else services.stop();
  });
  elector.start();
  await elector.settled();
  return {
    elector,
    async stop() {
      await elector.stop();
      services.stop();
    },
  };
}
