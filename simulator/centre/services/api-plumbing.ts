/**
 * What every route of the services' HTTP API shares: zod schemas validate each request part and each
 * response; errors leave as `{error: code, message, field?}`; every request needs a valid session and a
 * role at least the route's (deny by default: a route that names no role is refused).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyTypeProvider } from "fastify";
import type { z } from "zod";
import { isStoreError } from "../store/store-error.js";
import { mayAct, type Role, type Session } from "./operators.js";
import type { Services } from "./services.js";
import { HTTP_STATUS, ServicesError } from "./services-error.js";

declare module "fastify" {
  interface FastifyRequest {
    session?: Session;
  }
  interface FastifyContextConfig {
    /** The lowest role allowed. */
    role?: Role;
    /** No session needed (login only). */
    public?: boolean;
  }
}

export const SESSION_COOKIE = "oa_session";

export function tokenOf(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith("Bearer ")) return auth.slice(7).trim();
  const cookie = req.headers.cookie;
  if (!cookie) return undefined;
  for (const part of cookie.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === SESSION_COOKIE) return v.join("=");
  }
  return undefined;
}

/** The session of an authorised request (the hook has checked it). */
export function who(req: FastifyRequest): Session {
  if (!req.session) throw new ServicesError("unauthenticated", "log in first");
  return req.session;
}

export function installPlumbing(app: FastifyInstance, services: Services): void {
  app.setValidatorCompiler(({ schema, httpPart }) => (data: unknown) => {
    const r = (schema as z.ZodType).safeParse(data);
    if (r.success) return { value: r.data };
    const issue = r.error.issues[0]!;
    const field = issue.path.map(String).join(".");
    const part = httpPart === "body" ? "" : `${httpPart}.`;
    return { error: new ServicesError("bad-input", `${part}${field ? `${field}: ` : ""}${issue.message}`, field ? `${part}${field}` : httpPart) };
  });
  app.setSerializerCompiler(({ schema }) => (data) => JSON.stringify((schema as z.ZodType).parse(data)));

  app.addHook("onRequest", async (req: FastifyRequest) => {
    const cfg = req.routeOptions.config;
    if (cfg.public) return;
    req.session = await services.operators.session(tokenOf(req));
    // No route matched: the not-found handler answers 404 (to a session only, so routes stay hidden).
    if (req.is404) return;
    if (!cfg.role || !mayAct(req.session.role, cfg.role)) throw new ServicesError("forbidden", `${req.session.role} may not ${req.method} ${req.routeOptions.url ?? req.url}`);
  });

  app.setErrorHandler((e: FastifyError | ServicesError, req: FastifyRequest, reply: FastifyReply) => {
    if (e instanceof ServicesError) {
      return reply.code(HTTP_STATUS[e.code]).send({ error: e.code, message: e.detailMessage, ...(e.field ? { field: e.field } : {}) });
    }
    // The database could not be reached (PostgreSQL away, SQLite busy or its disk full): nothing was
    // written, the client may try again.
    if (isStoreError(e, "store-unavailable")) {
      req.log.warn({ error: (e as Error).message }, "services api: store unavailable");
      return reply.code(503).send({ error: "store-unavailable", message: "the centre's database cannot be reached now; nothing was changed, try again" });
    }
    const status = (e as FastifyError).statusCode;
    if (status !== undefined && status >= 400 && status < 500) return reply.code(status).send({ error: "bad-input", message: e.message });
    req.log.error({ err: e }, "services api: internal error");
    return reply.code(500).send({ error: "internal", message: "internal error" });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: "not-found", message: `no route ${req.method} ${req.url.split("?")[0]}` }));
}

/** Route handlers see the zod schemas' output types for params, query and body. */
export interface ZodTypeProvider extends FastifyTypeProvider {
  validator: this["schema"] extends z.ZodType ? z.output<this["schema"]> : unknown;
  serializer: this["schema"] extends z.ZodType ? z.input<this["schema"]> : unknown;
}

export function typed(app: FastifyInstance) {
  return app.withTypeProvider<ZodTypeProvider>();
}
