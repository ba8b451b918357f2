/** The installation registry, its contacts, caller password, action plan, test notices and report. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { typed, who } from "./api-plumbing.js";
import { InstallationReport, installationReport, reportCsv } from "./installation-report.js";
import { CallerPassword, Contacts, Installation, InstallationInput, InstallationPatch, IsoDate, PanelRef } from "./installation-schema.js";
import { Schedule } from "./arm-schedule.js";
import { ActionPlan } from "./plan-schema.js";
import type { Services } from "./services.js";
import { notFound } from "./services-error.js";
import { TestNotice, TestNoticeInput } from "./test-notice-schema.js";

const Id = z.strictObject({ id: z.coerce.number().int().positive() });
const At = z.strictObject({ at: z.coerce.number().int().min(0).optional() });
const Versioned = <S extends z.ZodType>(body: S) => z.strictObject({ version: z.int(), validFrom: z.int(), actor: z.string(), body });
const Ok = z.strictObject({ ok: z.literal(true) });

export function installationRoutes(fastify: FastifyInstance, s: Services): void {
  const app = typed(fastify);
  const reg = s.installations;
  const op = { role: "operator" as const };
  const sup = { role: "supervisor" as const };

  app.get("/api/installations", { config: op, schema: { response: { 200: z.array(Installation) } } }, async () => reg.list());
  app.post("/api/installations", { config: sup, schema: { body: InstallationInput, response: { 200: Installation } } }, async (req) => reg.create(who(req).username, req.body));
  app.get("/api/installations/:id", { config: op, schema: { params: Id, response: { 200: Installation } } }, async (req) => reg.get(req.params.id));
  app.patch("/api/installations/:id", { config: sup, schema: { params: Id, body: InstallationPatch, response: { 200: Installation } } }, async (req) => reg.update(who(req).username, req.params.id, req.body));
  app.post("/api/installations/:id/panels", { config: sup, schema: { params: Id, body: PanelRef, response: { 200: Installation } } }, async (req) =>
    reg.attachPanel(who(req).username, req.params.id, req.body.panel),
  );
  app.delete(
    "/api/installations/:id/panels/:panel",
    { config: sup, schema: { params: Id.extend({ panel: z.string() }), response: { 200: Installation } } },
    async (req) => reg.detachPanel(who(req).username, req.params.id, req.params.panel),
  );
  app.put("/api/installations/:id/contacts", { config: sup, schema: { params: Id, body: Contacts, response: { 200: Versioned(Contacts) } } }, async (req) =>
    reg.setContacts(who(req).username, req.params.id, req.body),
  );
  app.get("/api/installations/:id/contacts", { config: op, schema: { params: Id, querystring: At, response: { 200: Versioned(Contacts) } } }, async (req) => {
    const v = await reg.contactsAt(req.params.id, req.query.at ?? s.ctx.clock.now());
    if (!v) throw notFound(`contact list for installation ${req.params.id}`);
    return v;
  });
  app.put("/api/installations/:id/caller-password", { config: sup, schema: { params: Id, body: z.strictObject({ password: CallerPassword }), response: { 200: Ok } } }, async (req) => {
    await reg.setCallerPassword(who(req).username, req.params.id, req.body.password);
    return { ok: true as const };
  });
  app.put("/api/installations/:id/plan", { config: sup, schema: { params: Id, body: ActionPlan, response: { 200: Versioned(ActionPlan) } } }, async (req) =>
    s.desk.plans.set(who(req).username, req.params.id, req.body),
  );
  app.get("/api/installations/:id/plan", { config: op, schema: { params: Id, querystring: At, response: { 200: Versioned(ActionPlan) } } }, async (req) => {
    const v = await s.desk.plans.at(req.params.id, req.query.at ?? s.ctx.clock.now());
    if (!v) throw notFound(`action plan for installation ${req.params.id} (the default plan applies)`);
    return v;
  });
  app.put("/api/installations/:id/schedule", { config: sup, schema: { params: Id, body: Schedule, response: { 200: Versioned(Schedule) } } }, async (req) =>
    s.arm.setSchedule(who(req).username, req.params.id, req.body),
  );
  app.get("/api/installations/:id/schedule", { config: op, schema: { params: Id, querystring: At, response: { 200: Versioned(Schedule) } } }, async (req) => {
    const v = await s.arm.scheduleAt(req.params.id, req.query.at ?? s.ctx.clock.now());
    if (!v) throw notFound(`schedule for installation ${req.params.id}`);
    return v;
  });
  app.post("/api/installations/:id/inspection", { config: sup, schema: { params: Id, body: z.strictObject({ date: IsoDate }), response: { 200: Installation } } }, async (req) =>
    reg.recordInspection(who(req).username, req.params.id, req.body.date),
  );
  app.get(
    "/api/inspections/due",
    { config: op, schema: { querystring: z.strictObject({ withinDays: z.coerce.number().int().min(0).max(366).default(30) }), response: { 200: z.array(z.strictObject({ installation: Installation, dueDate: IsoDate.nullable() })) } } },
    async (req) => reg.dueInspections(s.ctx.clock.now(), req.query.withinDays),
  );

  app.post("/api/installations/:id/test-notices", { config: op, schema: { params: Id, body: TestNoticeInput, response: { 200: TestNotice } } }, async (req) =>
    s.notices.announce(who(req).username, req.params.id, req.body),
  );
  app.get("/api/installations/:id/test-notices", { config: op, schema: { params: Id, response: { 200: z.array(TestNotice) } } }, async (req) => (await reg.get(req.params.id), await s.notices.list(req.params.id)));
  app.delete("/api/test-notices/:id", { config: op, schema: { params: Id, response: { 200: TestNotice } } }, async (req) => s.notices.cancel(who(req).username, req.params.id));

  app.get(
    "/api/installations/:id/report",
    {
      config: sup,
      schema: {
        params: Id,
        querystring: z.strictObject({ from: z.coerce.number().int().min(0), to: z.coerce.number().int().min(0), format: z.enum(["json", "csv"]).default("json") }),
        response: { 200: z.union([InstallationReport, z.string()]) },
      },
    },
    async (req, reply) => {
      await reg.get(req.params.id);
      const r = await installationReport(s.desk.book, req.params.id, req.query.from, req.query.to);
      if (req.query.format === "json") return r;
      reply.type("text/csv; charset=utf-8").serializer((x: unknown) => String(x));
      return reportCsv(r);
    },
  );
}
