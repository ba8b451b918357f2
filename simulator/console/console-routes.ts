/**
 * The operators' console on the services' HTTP server: the page and its scripts (static, no build step,
 * served from assets/ with a strict same-origin Content-Security-Policy, so nothing is fetched from
 * outside the centre), and the two reads the console needs from the centre's own store: each panel's
 * link state and last heartbeat, and the zone names of the installations' panels.
 * Pass `consoleRoutes(...)` in `routes` of startServices / buildServicesApi.
 */
import { readFileSync, readdirSync } from "node:fs";
import { extname, join } from "node:path";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { CentreStorePort } from "../centre/store-pg/port.js";
import type { Services } from "../centre/services/services.js";
import { panelState } from "./panel-state.js";

export const ASSETS_DIR = join(import.meta.dirname, "assets");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** Same origin only: scripts, styles, fetch and the event stream all come from the centre. */
export const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export interface ConsoleOptions {
  /** The centre's store, for panel link state and heartbeats (without it the console shows them unknown). */
  readonly centre?: CentreStorePort;
  /** Zone names per panel, from the installer's programming sheet (the demo passes its panel's config). */
  readonly zoneNames?: (panel: string) => Readonly<Record<number, string>> | undefined;
}

export function consoleRoutes(opts: ConsoleOptions = {}): (app: FastifyInstance, s: Services) => void {
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(ASSETS_DIR)) {
    const type = TYPES[extname(name)];
    if (type) files.set(name, { body: readFileSync(join(ASSETS_DIR, name)), type });
  }
  return (app, s) => {
    const pub = { config: { public: true } };
    app.get("/", pub, async (_req, reply) => reply.redirect("/console/"));
    app.get<{ Params: { file?: string } }>("/console/:file?", pub, async (req, reply) => {
      const f = files.get(req.params.file || "index.html");
      if (!f) return reply.code(404).type("text/plain").send("not found");
      return reply
        .type(f.type)
        .header("cache-control", "no-cache")
        .header("content-security-policy", CSP)
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "no-referrer")
        .send(f.body);
    });

    const Id = z.strictObject({ id: z.coerce.number().int().positive() });
    app.get<{ Params: { id: number } }>("/api/console/installations/:id/panels", { config: { role: "operator" }, schema: { params: Id } }, async (req) => {
      const inst = await s.installations.get(req.params.id);
      const now = s.ctx.clock.now();
      return {
        armed: await s.arm.armed(inst.id),
        panels: await Promise.all(
          inst.panels.map(async (p) => ({ ...(opts.centre ? await panelState(opts.centre, p, now) : { panel: p, registered: false, link: "unknown" }), zones: opts.zoneNames?.(p) ?? {} })),
        ),
      };
    });
    app.get("/api/console/zones", { config: { role: "operator" } }, async () => {
      const out: Record<string, Readonly<Record<number, string>>> = {};
      for (const inst of await s.installations.list()) for (const p of inst.panels) out[p] = opts.zoneNames?.(p) ?? {};
      return out;
    });
  };
}
