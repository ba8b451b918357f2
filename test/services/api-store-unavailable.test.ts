/**
 * The services' API while the database is away: every request answers at once 503 `store-unavailable`
 * (the session check included), never a 500 "internal error"; a refused statement stays a 500.
 */
import fastify from "fastify";
import { describe, expect, it } from "vitest";
import { installPlumbing } from "../../simulator/centre/services/api-plumbing.js";
import type { Services } from "../../simulator/centre/services/services.js";
import { StoreError } from "../../simulator/centre/store/store-error.js";

const down = () => new StoreError("store-unavailable", "PostgreSQL unreachable: ECONNREFUSED connect ECONNREFUSED 127.0.0.1:5432");

function appWith(session: () => Promise<unknown>, handler: () => Promise<unknown>) {
  const services = { operators: { session } } as unknown as Services;
  const app = fastify({ logger: false });
  installPlumbing(app, services);
  app.get("/api/thing", { config: { role: "operator" } }, handler);
  return app;
}

const ok = async () => ({ username: "oli", role: "operator", expiresAt: 1 });

describe("the services API without its database", () => {
  it("the session lookup fails: 503 store-unavailable, its message not the driver's", async () => {
    const app = appWith(async () => Promise.reject(down()), async () => ({}));
    const r = await app.inject({ method: "GET", url: "/api/thing", headers: { authorization: "Bearer t" } });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toEqual({ error: "store-unavailable", message: "the centre's database cannot be reached now; nothing was changed, try again" });
    await app.close();
  });

  it("the route's own query fails: 503 store-unavailable", async () => {
    const app = appWith(ok, async () => Promise.reject(down()));
    const r = await app.inject({ method: "GET", url: "/api/thing", headers: { authorization: "Bearer t" } });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({ error: "store-unavailable" });
    await app.close();
  });

  it("a statement the database refused (store-failed) stays 500 internal; a working one is 200", async () => {
    const failed = appWith(ok, async () => Promise.reject(new StoreError("store-failed", "PostgreSQL refused: 23505 duplicate key")));
    const r = await failed.inject({ method: "GET", url: "/api/thing", headers: { authorization: "Bearer t" } });
    expect(r.statusCode).toBe(500);
    expect(r.json()).toEqual({ error: "internal", message: "internal error" });
    await failed.close();
    const fine = appWith(ok, async () => ({ fine: true }));
    expect((await fine.inject({ method: "GET", url: "/api/thing", headers: { authorization: "Bearer t" } })).statusCode).toBe(200);
    await fine.close();
  });
});
