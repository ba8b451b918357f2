/**
 * A customer calls to cancel an alarm. The operator types the caller password the customer says; wrong
 * passwords are counted and lock the installation's phone cancellation out for a while, as wrong codes
 * lock a keypad (EN 50131-1 8.3.5.4 for codes; the phone is stricter: fewer tries, longer lock). The right
 * password closes the incident as a false alarm, cancelled by the customer, not billed; a guard already
 * on the way is recalled, and its dispatch stays billed.
 */
import type { GuardService } from "./guard-service.js";
import type { Incident } from "./incident-schema.js";
import type { IncidentDesk } from "./incident-desk.js";
import type { Installations } from "./installations.js";
import { CallerPassword } from "./installation-schema.js";
import { parseInput } from "./parse-input.js";
import { verifySecret } from "./secret-hash.js";
import type { ServicesContext } from "./services-context.js";
import { ServicesError } from "./services-error.js";

export interface CallerLockoutOptions {
  /** Wrong passwords before the lock (default 3). */
  readonly limit?: number;
  /** How long the lock lasts (default 15 min). */
  readonly lockoutMs?: number;
}

export class CallerCancel {
  private readonly limit: number;
  private readonly lockoutMs: number;

  constructor(
    private readonly ctx: ServicesContext,
    private readonly installations: Installations,
    private readonly desk: IncidentDesk,
    private readonly guard: GuardService,
    opts: CallerLockoutOptions = {},
  ) {
    this.limit = opts.limit ?? 3;
    this.lockoutMs = opts.lockoutMs ?? 15 * 60_000;
  }

  /** Until when the installation's phone cancellation is locked, if it is. */
  async lockedUntil(installationId: number): Promise<number | null> {
    const until = (await this.installations.repo.callerLockout(installationId)).lockedUntil;
    return until !== null && this.ctx.clock.now() < until ? until : null;
  }

  async cancel(actor: string, incidentId: number, password: string, note?: string): Promise<Incident> {
    const pw = parseInput(CallerPassword, password, "password");
    const inc = await this.desk.get(incidentId);
    if (inc.state !== "open") throw new ServicesError("conflict", `incident ${incidentId} is already closed`);
    const hash = await this.installations.callerPasswordHash(inc.installationId);
    if (hash === null) throw new ServicesError("conflict", `installation ${inc.installationId} has no caller password`, "password");
    const locked = await this.lockedUntil(inc.installationId);
    if (locked !== null) throw new ServicesError("locked-out", `caller password locked until ${new Date(locked).toISOString()}`, "password", { until: locked });
    if (!verifySecret(pw, hash)) throw await this.wrong(actor, inc.installationId, incidentId);
    const guards = inc.tasks.filter((t) => t.kind === "guard" && t.state === "in-progress" && t.ref !== null).map((t) => t.ref!);
    await this.ctx.db.tx(async () => {
      await this.installations.repo.clearCallerLockout(inc.installationId);
      await this.desk.closeInTx(actor, incidentId, "false-alarm", "cancelled-by-customer", note ?? "cancelled by the customer (caller password checked)", true);
    });
    for (const ref of guards) await this.guard.recall(ref).catch(() => undefined); // the dispatch stays billed either way
    return this.desk.announce(incidentId);
  }

  /** Counts a wrong password (committed, though the call fails) and returns the error to throw. */
  private async wrong(actor: string, installationId: number, incidentId: number): Promise<ServicesError> {
    return this.ctx.db.tx(async () => {
      const now = this.ctx.clock.now();
      const wrong = (await this.installations.repo.callerLockout(installationId)).wrong + 1;
      const lock = wrong >= this.limit;
      await this.installations.repo.setCallerLockout(installationId, lock ? 0 : wrong, lock ? now + this.lockoutMs : null);
      await this.ctx.audit.record({ at: now, actor, action: lock ? "caller.locked-out" : "caller.wrong-password", entity: "incident", entityId: incidentId, after: { installationId, wrong } });
      return lock
        ? new ServicesError("locked-out", `wrong caller password; locked for ${Math.round(this.lockoutMs / 60_000)} min`, "password", { until: now + this.lockoutMs })
        : new ServicesError("wrong-password", `wrong caller password (${wrong} of ${this.limit})`, "password");
    });
  }
}
