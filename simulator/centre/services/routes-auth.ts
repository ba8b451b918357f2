/** Login, logout, the session's own operator, and operator accounts (admin). */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { SESSION_COOKIE, tokenOf, typed, who } from "./api-plumbing.js";
import { LoginInput, Operator, OperatorInput, Role } from "./operators.js";
import type { Services } from "./services.js";

const SessionBody = z.strictObject({ token: z.string(), username: z.string(), role: Role, expiresAt: z.int() });
const Ok = z.strictObject({ ok: z.literal(true) });

export function authRoutes(fastify: FastifyInstance, s: Services): void {
  const app = typed(fastify);
  app.post("/api/login", { config: { public: true }, schema: { body: LoginInput, response: { 200: SessionBody } } }, async (req, reply) => {
    const { token, session } = await s.operators.login(req.body);
    const maxAge = Math.max(0, Math.floor((session.expiresAt - s.ctx.clock.now()) / 1000));
    reply.header("set-cookie", `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/api; Max-Age=${maxAge}`);
    return { token, ...session };
  });
  app.post("/api/logout", { config: { role: "operator" }, schema: { response: { 200: Ok } } }, async (req, reply) => {
    await s.operators.logout(tokenOf(req)!);
    reply.header("set-cookie", `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/api; Max-Age=0`);
    return { ok: true as const };
  });
  app.get("/api/me", { config: { role: "operator" }, schema: { response: { 200: z.strictObject({ username: z.string(), role: Role, expiresAt: z.int() }) } } }, async (req) => who(req));

  app.get("/api/operators", { config: { role: "admin" }, schema: { response: { 200: z.array(Operator) } } }, async () => s.operators.list());
  app.post("/api/operators", { config: { role: "admin" }, schema: { body: OperatorInput, response: { 200: Operator } } }, async (req) => s.operators.create(who(req).username, req.body));
  app.put(
    "/api/operators/:username/disabled",
    { config: { role: "admin" }, schema: { params: z.strictObject({ username: z.string() }), body: z.strictObject({ disabled: z.boolean() }), response: { 200: Operator } } },
    async (req) => s.operators.setDisabled(who(req).username, req.params.username, req.body.disabled),
  );
}
