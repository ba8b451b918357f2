/** Incidents and their tasks: the queue, outcomes, running a task through its port, closing, cancelling. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { typed, who } from "./api-plumbing.js";
import { AuditEntrySchema } from "./audit-schema.js";
import { CallerPassword, Contacts } from "./installation-schema.js";
import { ActionPlan } from "./plan-schema.js";
import { Incident, TaskOutcome } from "./incident-schema.js";
import type { Services } from "./services.js";

const Id = z.strictObject({ id: z.coerce.number().int().positive() });
const Note = z.string().max(2000).optional();

export function incidentRoutes(fastify: FastifyInstance, s: Services): void {
  const app = typed(fastify);
  const op = { role: "operator" as const };
  app.get(
    "/api/incidents",
    { config: op, schema: { querystring: z.strictObject({ state: z.enum(["open", "closed"]).optional(), installation: z.coerce.number().int().positive().optional() }), response: { 200: z.array(Incident) } } },
    async (req) => s.desk.book.list({ ...(req.query.state ? { state: req.query.state } : {}), ...(req.query.installation ? { installationId: req.query.installation } : {}) }),
  );
  app.get("/api/incidents/:id", { config: op, schema: { params: Id, response: { 200: Incident } } }, async (req) => s.desk.get(req.params.id));
  app.get(
    "/api/incidents/:id/plan",
    {
      config: op,
      schema: {
        params: Id,
        response: { 200: z.strictObject({ planVersion: z.int().nullable(), plan: ActionPlan.nullable(), contactsVersion: z.int().nullable(), contacts: Contacts.nullable() }) },
      },
    },
    async (req) => {
      // What was in force when the alarm came, whatever has changed since.
      const inc = await s.desk.get(req.params.id);
      const plan = inc.planVersion === null ? undefined : await s.desk.plans.version(inc.installationId, inc.planVersion);
      const contacts = inc.contactsVersion === null ? undefined : await s.installations.documents.version(inc.installationId, "contacts", inc.contactsVersion, Contacts);
      return { planVersion: inc.planVersion, plan: plan?.body ?? null, contactsVersion: inc.contactsVersion, contacts: contacts?.body ?? null };
    },
  );
  app.post(
    "/api/incidents/:id/close",
    { config: op, schema: { params: Id, body: z.strictObject({ falseAlarm: z.boolean().default(false), note: Note }), response: { 200: Incident } } },
    async (req) => s.desk.close(who(req).username, req.params.id, { falseAlarm: req.body.falseAlarm, ...(req.body.note !== undefined ? { note: req.body.note } : {}) }),
  );
  app.post(
    "/api/incidents/:id/cancel",
    { config: op, schema: { params: Id, body: z.strictObject({ password: CallerPassword, note: Note }), response: { 200: Incident } } },
    async (req) => s.cancel.cancel(who(req).username, req.params.id, req.body.password, req.body.note),
  );
  app.post(
    "/api/tasks/:id/outcome",
    { config: op, schema: { params: Id, body: z.strictObject({ outcome: TaskOutcome, note: Note }), response: { 200: Incident } } },
    async (req) => s.desk.record(who(req).username, req.params.id, req.body.outcome, req.body.note),
  );
  app.post("/api/tasks/:id/run", { config: op, schema: { params: Id, response: { 200: Incident } } }, async (req) => s.desk.run(who(req).username, req.params.id));

  app.get(
    "/api/audit",
    { config: { role: "supervisor" }, schema: { querystring: z.strictObject({ entity: z.string().max(40).optional(), entityId: z.string().max(80).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) }), response: { 200: z.array(AuditEntrySchema) } } },
    async (req) => s.ctx.audit.list({ ...(req.query.entity ? { entity: req.query.entity } : {}), ...(req.query.entityId ? { entityId: req.query.entityId } : {}), limit: req.query.limit }),
  );
}
