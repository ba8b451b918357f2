/** Per-installation action plans, versioned like contacts: the plan in force at an alarm stays readable. */
import { Documents, type Versioned } from "./documents.js";
import { InstallationRepo } from "./installation-repo.js";
import { parseInput } from "./parse-input.js";
import { ActionPlan, DEFAULT_PLAN, type PlanStep } from "./plan-schema.js";
import type { ServiceClass } from "./service-class.js";
import type { ServicesContext } from "./services-context.js";
import { notFound } from "./services-error.js";

export class ActionPlans {
  private readonly docs: Documents;
  constructor(private readonly ctx: ServicesContext) {
    this.docs = new Documents(ctx.db);
  }

  async set(actor: string, installation: number, plan: unknown): Promise<Versioned<ActionPlan>> {
    const v = parseInput(ActionPlan, plan, "plan");
    return this.ctx.db.tx(async () => {
      if (!await new InstallationRepo(this.ctx.db).exists(installation)) throw notFound(`installation ${installation}`);
      const now = this.ctx.clock.now();
      const before = await this.at(installation, now);
      const version = await this.docs.put(installation, "plan", v, now, actor);
      await this.ctx.audit.record({ at: now, actor, action: "plan.set", entity: "installation", entityId: installation, before: before ?? null, after: { version, plan: v } });
      return { version, validFrom: now, actor, body: v };
    });
  }

  async at(installation: number, at: number): Promise<Versioned<ActionPlan> | undefined> {
    return this.docs.at(installation, "plan", at, ActionPlan);
  }

  async version(installation: number, version: number): Promise<Versioned<ActionPlan> | undefined> {
    return this.docs.version(installation, "plan", version, ActionPlan);
  }

  /** The steps for a class at `at`: the installation's own, else the default. */
  async steps(installation: number, cls: ServiceClass, at: number): Promise<{ version: number | null; steps: PlanStep[] }> {
    const p = await this.at(installation, at);
    const own = p?.body[cls];
    return own ? { version: p.version, steps: own } : { version: p?.version ?? null, steps: DEFAULT_PLAN[cls] };
  }
}
