/** Service tickets and the annual-inspection list's companion: open/closed tickets, route, close by hand. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { typed, who } from "./api-plumbing.js";
import { Ticket } from "./service-tickets.js";
import type { Services } from "./services.js";

const Id = z.strictObject({ id: z.coerce.number().int().positive() });

export function ticketRoutes(fastify: FastifyInstance, s: Services): void {
  const app = typed(fastify);
  app.get("/api/tickets", { config: { role: "operator" }, schema: { querystring: z.strictObject({ state: z.enum(["open", "closed"]).optional() }), response: { 200: z.array(Ticket) } } }, async (req) =>
    s.tickets.list(req.query.state),
  );
  app.post("/api/tickets/:id/close", { config: { role: "operator" }, schema: { params: Id, body: z.strictObject({ note: z.string().max(2000).optional() }), response: { 200: Ticket } } }, async (req) =>
    s.tickets.close(who(req).username, req.params.id, req.body.note),
  );
  app.put("/api/tickets/:id/route", { config: { role: "supervisor" }, schema: { params: Id, body: z.strictObject({ route: z.enum(["support", "visit"]) }), response: { 200: Ticket } } }, async (req) =>
    s.tickets.setRoute(who(req).username, req.params.id, req.body.route),
  );
}
