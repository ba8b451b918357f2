/** Remote support: user codes on a panel through signed commands. The request body's code is redacted from logs. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { typed, who } from "./api-plumbing.js";
import { RemoteCommand, RemoteRequest } from "./remote-command-schema.js";
import type { Services } from "./services.js";

const Id = z.strictObject({ id: z.coerce.number().int().positive() });

export function remoteRoutes(fastify: FastifyInstance, s: Services): void {
  const app = typed(fastify);
  const op = { role: "operator" as const };
  app.post("/api/installations/:id/remote-commands", { config: op, schema: { params: Id, body: RemoteRequest, response: { 200: RemoteCommand } } }, async (req) =>
    s.remote.request(who(req).username, req.params.id, req.body),
  );
  app.get("/api/installations/:id/remote-commands", { config: op, schema: { params: Id, response: { 200: z.array(RemoteCommand) } } }, async (req) => (await s.installations.get(req.params.id), await s.remote.list(req.params.id)));
  app.get("/api/remote-commands/:id", { config: op, schema: { params: z.strictObject({ id: z.string().max(64) }), response: { 200: RemoteCommand } } }, async (req) => s.remote.get(req.params.id));
}
