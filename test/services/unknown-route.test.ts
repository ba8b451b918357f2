/** A path the API does not have: 401 without a session (routes stay hidden), 404 not-found with one, never 403. */
import { describe, expect, it } from "vitest";
import { apiFixtureEach } from "./api-fixture.js";

const fx = apiFixtureEach();

describe("an unknown API route", () => {
  it("with a session: 404 not-found naming the route, for every role", async () => {
    for (const user of ["ada", "sam", "oli"] as const) {
      const r = await fx().call(user, "GET", "/api/nothing?x=1");
      expect(r.statusCode, user).toBe(404);
      expect(r.json()).toEqual({ error: "not-found", message: "no route GET /api/nothing" });
    }
    expect((await fx().call("ada", "DELETE", "/api/installations")).statusCode).toBe(404); // a known path, not with this method
  });

  it("without a session: 401, as for a route that exists", async () => {
    const r = await fx().call(null, "GET", "/api/nothing");
    expect(r.statusCode).toBe(401);
    expect(r.json()).toMatchObject({ error: "unauthenticated" });
  });

  it("a known route above the session's role stays 403", async () => {
    expect((await fx().call("oli", "GET", "/api/operators")).statusCode).toBe(403);
  });
});
