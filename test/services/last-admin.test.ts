/** The centre keeps one enabled admin: the last one cannot be disabled (not even by itself), so the console never locks every admin out. */
import { describe, expect, it } from "vitest";
import { apiFixtureEach } from "./api-fixture.js";

const fx = apiFixtureEach();

describe("disabling the last enabled admin", () => {
  it("the only admin disabling itself: 409 conflict, still enabled, its session kept, nothing audited", async () => {
    const r = await fx().call("ada", "PUT", "/api/operators/ada/disabled", { disabled: true });
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({ error: "conflict", field: "username" });
    expect((await fx().services.operators.get("ada")).disabled).toBe(false);
    expect((await fx().call("ada", "GET", "/api/me")).statusCode).toBe(200);
    expect(await fx().services.ctx.audit.list({ entity: "operator", entityId: "ada" })).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ action: "operator.disable" })]),
    );
  });

  it("with a second enabled admin, one may be disabled; then the other is the last", async () => {
    expect((await fx().call("ada", "POST", "/api/operators", { username: "bea", password: "bea-admin-pass", role: "admin" })).statusCode).toBe(200);
    expect((await fx().call("ada", "PUT", "/api/operators/bea/disabled", { disabled: true })).statusCode).toBe(200);
    expect((await fx().call("ada", "PUT", "/api/operators/ada/disabled", { disabled: true })).statusCode).toBe(409);
    // Enabling again is always allowed; so is disabling an operator or a supervisor.
    expect((await fx().call("ada", "PUT", "/api/operators/bea/disabled", { disabled: false })).statusCode).toBe(200);
    expect((await fx().call("ada", "PUT", "/api/operators/sam/disabled", { disabled: true })).statusCode).toBe(200);
    expect((await fx().call("ada", "PUT", "/api/operators/oli/disabled", { disabled: true })).statusCode).toBe(200);
    expect((await fx().call("ada", "PUT", "/api/operators/ada/disabled", { disabled: true })).statusCode).toBe(200);
    expect((await fx().services.operators.get("ada")).disabled).toBe(true);
  });
});
