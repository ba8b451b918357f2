/** Per-installation action plans, versioned like contacts: the plan in force at an alarm stays readable. */
import { Documents, type Versioned } from "./documents.js";
import { parseInput } from "./parse-input.js";
import { ActionPlan, DEFAULT_PLAN, type PlanStep } from "./plan-schema.js";
import type { ServiceClass } from "./service-class.js";
import { inTx, type ServicesContext } from "./services-context.js";
import { notFound } from "./services-error.js";

export class ActionPlans {
  private readonly docs: Documents;
  constructor(private readonly ctx: ServicesContext) {
    this.docs = new Documents(ctx.db);
  }

  set(actor: string, installation: number, plan: unknown): Versioned<ActionPlan> {
    const v = parseInput(ActionPlan, plan, "plan");
    return inTx(this.ctx.db, () => {
      if (!this.ctx.db.prepare("SELECT 1 FROM svc_installations WHERE id = ?").get(installation)) throw notFound(`installation ${installation}`);
      const now = this.ctx.clock.now();
      const before = this.at(installation, now);
      const version = this.docs.put(installation, "plan", v, now, actor);
      this.ctx.audit.record({ at: now, actor, action: "plan.set", entity: "installation", entityId: installation, before: before ?? null, after: { version, plan: v } });
      return { version, validFrom: now, actor, body: v };
    });
  }

  at(installation: number, at: number): Versioned<ActionPlan> | undefined {
    return this.docs.at(installation, "plan", at, ActionPlan);
  }

  version(installation: number, version: number): Versioned<ActionPlan> | undefined {
    return this.docs.version(installation, "plan", version, ActionPlan);
  }

  /** The steps for a class at `at`: the installation's own, else the default. */
  steps(installation: number, cls: ServiceClass, at: number): { version: number | null; steps: PlanStep[] } {
    const p = this.at(installation, at);
    const own = p?.body[cls];
    return own ? { version: p.version, steps: own } : { version: p?.version ?? null, steps: DEFAULT_PLAN[cls] };
  }
}
