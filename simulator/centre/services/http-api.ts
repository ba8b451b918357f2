/**
 * The services' HTTP API on fastify: loopback unless told otherwise, every request authorised (see
 * api-plumbing.ts), JSON-line logs through pino with credentials and codes redacted. `GET /api/schema`
 * lists every route with its JSON Schemas (from the zod schemas, z.toJSONSchema) for the console.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { AddressInfo } from "node:net";
import { pino, type Logger } from "pino";
import { z } from "zod";
import { unrefSystemClock, type Clock } from "../../../protocol/clock.js";
import { installPlumbing } from "./api-plumbing.js";
import { authRoutes } from "./routes-auth.js";
import { consoleRoutes } from "./routes-console.js";
import { incidentRoutes } from "./routes-incidents.js";
import { installationRoutes } from "./routes-installations.js";
import { queueStreamRoutes } from "./routes-queue-stream.js";
import { remoteRoutes } from "./routes-remote.js";
import { ticketRoutes } from "./routes-tickets.js";
import type { Services } from "./services.js";

/** Never logged: credentials, session tokens, caller passwords, user codes. */
export const REDACT = ["req.headers.authorization", "req.headers.cookie", 'res.headers["set-cookie"]', "*.password", "*.code", "*.token", "body.spec.code"];

export interface ServicesApiOptions {
  /** Default 127.0.0.1: the API is not on the network unless configured to be. */
  readonly host?: string;
  /** Default 0 (any free port). */
  readonly port?: number;
  readonly logger?: Logger;
  /** Timers of the event stream (keep-alive); default the unref'd system clock. */
  readonly clock?: Clock;
  readonly keepAliveMs?: number;
  /** More routes (remote support, schedules, tickets) registered by their own modules. */
  readonly routes?: readonly ((app: FastifyInstance, s: Services) => void)[];
}

export interface RouteDoc {
  method: string | string[];
  url: string;
  role: string | null;
  schema: Record<string, unknown>;
}

export function buildServicesApi(s: Services, opts: ServicesApiOptions = {}): FastifyInstance {
  const logger: FastifyBaseLogger = opts.logger ?? pino({ redact: REDACT });
  const app: FastifyInstance = Fastify({ loggerInstance: logger, forceCloseConnections: true, bodyLimit: 256 * 1024 });
  const docs: RouteDoc[] = [];
  app.addHook("onRoute", (r) => {
    const schema: Record<string, unknown> = {};
    for (const [part, zs] of Object.entries(r.schema ?? {})) {
      if (part === "response") {
        schema.response = Object.fromEntries(Object.entries(zs as Record<string, z.ZodType>).map(([code, x]) => [code, jsonSchema(x)]));
      } else schema[part] = jsonSchema(zs as z.ZodType);
    }
    if (r.method !== "HEAD") docs.push({ method: r.method, url: r.url, role: r.config?.public ? null : (r.config?.role ?? "denied"), schema });
  });
  installPlumbing(app, s);
  authRoutes(app, s);
  installationRoutes(app, s);
  incidentRoutes(app, s);
  remoteRoutes(app, s);
  ticketRoutes(app, s);
  consoleRoutes(app, s);
  queueStreamRoutes(app, s, opts.clock ?? unrefSystemClock, opts.keepAliveMs ?? 25_000);
  for (const add of opts.routes ?? []) add(app, s);
  app.get("/api/schema", { config: { role: "operator" } }, async () => docs);
  return app;
}

function jsonSchema(x: z.ZodType): unknown {
  try {
    return z.toJSONSchema(x, { io: "input", unrepresentable: "any" });
  } catch {
    return {};
  }
}

export interface RunningServicesApi {
  readonly app: FastifyInstance;
  readonly url: string;
  close(): Promise<void>;
}

export async function startServicesApi(s: Services, opts: ServicesApiOptions = {}): Promise<RunningServicesApi> {
  const app = buildServicesApi(s, opts);
  await app.listen({ host: opts.host ?? "127.0.0.1", port: opts.port ?? 0 });
  const a = app.server.address() as AddressInfo;
  const host = a.family === "IPv6" ? `[${a.address}]` : a.address;
  return { app, url: `http://${host}:${a.port}`, close: () => app.close() };
}
