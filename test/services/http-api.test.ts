/** The HTTP API: sessions and roles on every request, typed errors per field, audit, CSV, the live stream. */
import { afterEach, describe, expect, it } from "vitest";
import { apiFixture, PASSWORDS, type ApiFixture } from "./api-fixture.js";

let fx: ApiFixture;
afterEach(async () => fx?.close());

const site = { name: "Bakery Miller", address: "1 Main Street", timeZone: "Europe/Berlin" };

describe("authentication", () => {
  it("refuses every request without a valid session, unknown routes included", async () => {
    fx = await apiFixture();
    for (const [m, u] of [["GET", "/api/installations"], ["POST", "/api/installations"], ["GET", "/api/queue/stream"], ["GET", "/api/nothing-here"], ["GET", "/api/schema"]] as const) {
      const r = await fx.call(null, m, u);
      expect(r.statusCode, `${m} ${u}`).toBe(401);
      expect(r.json()).toMatchObject({ error: "unauthenticated" });
    }
    const bogus = await fx.app.inject({ method: "GET", url: "/api/me", headers: { authorization: "Bearer not-a-token" } });
    expect(bogus.statusCode).toBe(401);
  });

  it("a wrong password is refused; the right one gives a token and an HttpOnly cookie, both of which work", async () => {
    fx = await apiFixture();
    const bad = await fx.app.inject({ method: "POST", url: "/api/login", payload: { username: "oli", password: "nope" } });
    expect(bad.statusCode).toBe(403);
    expect(bad.json()).toEqual({ error: "wrong-password", message: "wrong username or password", field: "password" });
    const ok = await fx.app.inject({ method: "POST", url: "/api/login", payload: { username: "oli", password: "oli-operator-pass" } });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers["set-cookie"]).toMatch(/^oa_session=[\w-]+; HttpOnly; SameSite=Strict; Path=\/api/);
    const cookie = String(ok.headers["set-cookie"]).split(";")[0]!;
    const me = await fx.app.inject({ method: "GET", url: "/api/me", headers: { cookie } });
    expect(me.json()).toMatchObject({ username: "oli", role: "operator" });
  });

  it("a session is valid until 1 ms before its expiry (8 h), refused at it", async () => {
    fx = await apiFixture();
    await fx.login("oli");
    await fx.advance(8 * 3_600_000 - 1);
    expect((await fx.call("oli", "GET", "/api/me")).statusCode).toBe(200);
    await fx.advance(1);
    expect((await fx.call("oli", "GET", "/api/me")).statusCode).toBe(401);
  });

  it("logout ends the session; a disabled operator's sessions end at once", async () => {
    fx = await apiFixture();
    await fx.login("oli");
    expect((await fx.call("oli", "POST", "/api/logout")).statusCode).toBe(200);
    expect((await fx.call("oli", "GET", "/api/me")).statusCode).toBe(401);
    await fx.login("sam");
    expect((await fx.call("ada", "PUT", "/api/operators/sam/disabled", { disabled: true })).statusCode).toBe(200);
    expect((await fx.call("sam", "GET", "/api/me")).statusCode).toBe(401);
  });

  it("5 wrong passwords lock the account for 15 min: the right one is refused 1 ms before the end, accepted at it", async () => {
    fx = await apiFixture();
    for (let i = 0; i < 5; i++) await fx.app.inject({ method: "POST", url: "/api/login", payload: { username: "oli", password: `wrong-${i}` } });
    const locked = await fx.app.inject({ method: "POST", url: "/api/login", payload: { username: "oli", password: "oli-operator-pass" } });
    expect(locked.statusCode).toBe(423);
    expect(locked.json()).toMatchObject({ error: "locked-out", message: `account locked after wrong passwords until ${new Date(fx.clock.now() + 15 * 60_000).toISOString()}` });
    await fx.advance(15 * 60_000 - 1);
    expect((await fx.app.inject({ method: "POST", url: "/api/login", payload: { username: "oli", password: "oli-operator-pass" } })).statusCode).toBe(423);
    await fx.advance(1);
    expect((await fx.app.inject({ method: "POST", url: "/api/login", payload: { username: "oli", password: "oli-operator-pass" } })).statusCode).toBe(200);
  });
});

describe("wrong passwords at once", () => {
  it("5 wrong passwords sent together all count: the account is locked", async () => {
    fx = await apiFixture();
    const tries = Array.from({ length: 5 }, (_, i) => fx.app.inject({ method: "POST", url: "/api/login", payload: { username: "oli", password: `wrong-${i}` } }));
    expect((await Promise.all(tries)).map((r) => r.statusCode)).toEqual([403, 403, 403, 403, 403]);
    const locked = await fx.app.inject({ method: "POST", url: "/api/login", payload: { username: "oli", password: "oli-operator-pass" } });
    expect(locked.statusCode).toBe(423);
  });
});

describe("roles", () => {
  it("an operator may read installations but not create one; a supervisor may; only an admin manages operators", async () => {
    fx = await apiFixture();
    expect((await fx.call("oli", "GET", "/api/installations")).statusCode).toBe(200);
    const denied = await fx.call("oli", "POST", "/api/installations", site);
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error).toBe("forbidden");
    expect((await fx.call("sam", "POST", "/api/installations", site)).statusCode).toBe(200);
    expect((await fx.call("sam", "GET", "/api/operators")).statusCode).toBe(403);
    expect((await fx.call("ada", "GET", "/api/operators")).json().map((o: { username: string }) => o.username)).toEqual(["ada", "oli", "sam"]);
  });
});

describe("bad input", () => {
  it("a field that fails its schema gives 400 {error, message, field} and writes nothing", async () => {
    fx = await apiFixture();
    const r = await fx.call("sam", "POST", "/api/installations", { ...site, timeZone: "Mars/Olympus" });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ error: "bad-input", field: "timeZone" });
    const extra = await fx.call("sam", "POST", "/api/installations", { ...site, colour: "red" });
    expect(extra.json()).toMatchObject({ error: "bad-input" });
    const id = await fx.call("sam", "GET", "/api/installations/abc");
    expect(id.json()).toMatchObject({ error: "bad-input", field: "params.id" });
    const json = await fx.app.inject({ method: "POST", url: "/api/installations", headers: { authorization: `Bearer ${await fx.login("sam")}`, "content-type": "application/json" }, payload: "{oops" });
    expect(json.statusCode).toBe(400);
    expect(json.json().error).toBe("bad-input");
    expect((await fx.call("sam", "GET", "/api/installations")).json()).toEqual([]);
  });

  it("a missing thing is 404 not-found; a conflict is 409", async () => {
    fx = await apiFixture();
    expect((await fx.call("oli", "GET", "/api/installations/42")).json()).toMatchObject({ error: "not-found" });
    const a = (await fx.call("sam", "POST", "/api/installations", site)).json();
    const b = (await fx.call("sam", "POST", "/api/installations", site)).json();
    await fx.call("sam", "POST", `/api/installations/${a.id}/panels`, { panel: "P1" });
    const r = await fx.call("sam", "POST", `/api/installations/${b.id}/panels`, { panel: "P1" });
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({ error: "conflict", field: "panel" });
  });
});

describe("the flow over HTTP", () => {
  async function installation() {
    const inst = (await fx.call("sam", "POST", "/api/installations", site)).json();
    await fx.call("sam", "POST", `/api/installations/${inst.id}/panels`, { panel: "P1" });
    await fx.call("sam", "PUT", `/api/installations/${inst.id}/contacts`, [{ name: "Anna", phone: "+49 1" }]);
    await fx.call("sam", "PUT", `/api/installations/${inst.id}/caller-password`, { password: "bread-2026" });
    return inst.id as number;
  }

  it("every write is audited with the operator's name; the caller password appears in no log, audit or table", async () => {
    fx = await apiFixture();
    const id = await installation();
    const audit = (await fx.call("sam", "GET", `/api/audit?entity=installation&entityId=${id}`)).json();
    expect(audit.map((a: { action: string; actor: string }) => `${a.actor} ${a.action}`)).toEqual([
      "sam installation.caller-password",
      "sam installation.contacts",
      "sam installation.attach-panel",
      "sam installation.create",
    ]);
    const tables = JSON.stringify((await fx.db.all("SELECT * FROM svc_audit"))) + JSON.stringify((await fx.db.all("SELECT * FROM svc_installations")));
    expect(tables + fx.logLines.join("")).not.toContain("bread-2026");
    expect(fx.logLines.join("")).not.toContain(await fx.login("sam"));
  });

  it("an operator cancels an alarm for a caller with a wrong, then the right password; the report counts it", async () => {
    fx = await apiFixture();
    const id = await installation();
    const inc = await fx.services.intake.event({ panel: "P1", code: 130, qualifier: 1, area: 1, zone: 3, at: fx.clock.now() });
    if (inc.kind !== "incident") throw new Error(inc.kind);
    const wrong = await fx.call("oli", "POST", `/api/incidents/${inc.incident.id}/cancel`, { password: "cake-2026" });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toMatchObject({ error: "wrong-password", field: "password" });
    const ok = await fx.call("oli", "POST", `/api/incidents/${inc.incident.id}/cancel`, { password: "bread-2026" });
    expect(ok.json()).toMatchObject({ state: "closed", outcome: "false-alarm", cancelledByCustomer: true });
    const csv = await fx.call("sam", "GET", `/api/installations/${id}/report?from=0&to=${fx.clock.now() + 1}&format=csv`);
    expect(csv.headers["content-type"]).toMatch(/^text\/csv/);
    expect(csv.body.split("\r\n")[1]).toMatch(/,burglary,burglary zone 3 area 1,false-alarm,true,false,0$/);
    const json = (await fx.call("sam", "GET", `/api/installations/${id}/report?from=0&to=${fx.clock.now() + 1}`)).json();
    expect(json.totals).toMatchObject({ alarms: 1, falseAlarms: 1, cancellations: 1, billableItems: 0 });
  });

  it("an operator records a task outcome and runs a call through the telephony port", async () => {
    fx = await apiFixture();
    await installation();
    fx.telephony.answer("+49 1");
    const r = await fx.services.intake.event({ panel: "P1", code: 130, qualifier: 1, area: 1, zone: 3, at: fx.clock.now() });
    if (r.kind !== "incident") throw new Error(r.kind);
    const ran = await fx.call("oli", "POST", `/api/tasks/${r.incident.tasks[0]!.id}/run`);
    expect(ran.json().tasks[0]).toMatchObject({ outcome: "answered", operator: "oli" });
    const bad = await fx.call("oli", "POST", `/api/tasks/${r.incident.tasks[1]!.id}/outcome`, { outcome: "maybe" });
    expect(bad.json()).toMatchObject({ error: "bad-input", field: "outcome" });
  });

  it("a supervisor agrees a schedule; a bad one is refused with the field", async () => {
    fx = await apiFixture();
    const id = await installation();
    const day = { open: "08:00", close: "18:00" };
    const weekly = { sun: null, mon: day, tue: day, wed: day, thu: day, fri: day, sat: null };
    const ok = await fx.call("sam", "PUT", `/api/installations/${id}/schedule`, { weekly, holidays: ["2026-12-25"] });
    expect(ok.json()).toMatchObject({ version: 1, body: { graceMinutes: 15, holidays: ["2026-12-25"] } });
    const bad = await fx.call("sam", "PUT", `/api/installations/${id}/schedule`, { weekly: { ...weekly, sat: { open: "9:00", close: "12:00" } } });
    expect(bad.json()).toMatchObject({ error: "bad-input", field: "weekly.sat.open" });
    expect((await fx.call("oli", "GET", `/api/installations/${id}/schedule`)).json().version).toBe(1);
  });

  it("lists service tickets and installations due for inspection; an operator closes a ticket", async () => {
    fx = await apiFixture();
    const id = await installation();
    await fx.services.start();
    await fx.services.intake.event({ panel: "P1", code: 302, qualifier: 1, area: 0, at: fx.clock.now() });
    await fx.advance(3_600_000);
    const [t] = (await fx.call("oli", "GET", "/api/tickets?state=open")).json();
    expect(t).toMatchObject({ fault: "battery", installationId: id });
    expect((await fx.call("oli", "POST", `/api/tickets/${t.id}/close`, { note: "replaced" })).json().state).toBe("closed");
    expect((await fx.call("oli", "PUT", `/api/tickets/${t.id}/route`, { route: "visit" })).statusCode).toBe(403);
    const due = (await fx.call("oli", "GET", "/api/inspections/due?withinDays=30")).json();
    expect(due).toEqual([expect.objectContaining({ dueDate: null, installation: expect.objectContaining({ id }) })]);
    fx.services.stop();
  });

  it("shows the plan and contact list in force when the alarm came, after both have changed", async () => {
    fx = await apiFixture();
    const id = await installation();
    await fx.call("sam", "PUT", `/api/installations/${id}/plan`, { burglary: [{ kind: "call-contacts" }, { kind: "police" }] });
    const r = await fx.services.intake.event({ panel: "P1", code: 130, qualifier: 1, area: 1, zone: 3, at: fx.clock.now() });
    if (r.kind !== "incident") throw new Error(r.kind);
    await fx.advance(1000);
    await fx.call("sam", "PUT", `/api/installations/${id}/plan`, { burglary: [{ kind: "guard" }] });
    await fx.call("sam", "PUT", `/api/installations/${id}/contacts`, [{ name: "Somebody Else", phone: "+49 9" }]);
    const shown = (await fx.call("oli", "GET", `/api/incidents/${r.incident.id}/plan`)).json();
    expect(shown).toEqual({
      planVersion: 1,
      plan: { burglary: [{ kind: "call-contacts" }, { kind: "police", phone: "110" }] },
      contactsVersion: 1,
      contacts: [{ name: "Anna", phone: "+49 1" }],
    });
  });

  it("GET /api/schema lists the routes with their JSON Schemas and roles", async () => {
    fx = await apiFixture();
    const docs = (await fx.call("oli", "GET", "/api/schema")).json() as { method: string; url: string; role: string | null; schema: { body?: { required?: string[] } } }[];
    const login = docs.find((d) => d.url === "/api/login")!;
    expect(login.role).toBeNull();
    expect(login.schema.body?.required).toEqual(["username", "password"]);
    expect(docs.find((d) => d.url === "/api/installations" && d.method === "POST")?.role).toBe("supervisor");
  });
});

describe("live queue (server-sent events)", () => {
  it("listens on loopback; sends a snapshot, then each incident as it opens, then keep-alives on the clock", async () => {
    fx = await apiFixture({ keepAliveMs: 10_000 });
    const inst = await fx.services.installations.create("t", site);
    await fx.services.installations.attachPanel("t", inst.id, "P1");
    await fx.app.listen({ host: "127.0.0.1", port: 0 });
    const addr = fx.app.server.address() as { address: string; port: number };
    expect(addr.address).toBe("127.0.0.1");
    const token = await fx.login("oli");
    const ctl = new AbortController();
    const res = await fetch(`http://127.0.0.1:${addr.port}/api/queue/stream`, { headers: { cookie: `oa_session=${token}` }, signal: ctl.signal });
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    let text = "";
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await readUntil("event: snapshot\ndata: []\n\n");
    await fx.services.intake.event({ panel: "P1", code: 130, qualifier: 1, area: 1, zone: 3, at: fx.clock.now() });
    await readUntil("event: incident\n");
    await readUntil("\n\n");
    expect(text).toContain('"title":"burglary zone 3 area 1"');
    await fx.advance(10_000);
    await readUntil(": keep-alive\n\n");
    ctl.abort();
  });
});

describe("the database away", () => {
  it("every request answers 503 store-unavailable in one typed line, nothing else; no stack trace leaves the API", async () => {
    fx = await apiFixture();
    await fx.login("ada");
    await fx.loseDb();
    for (const [method, url] of [["GET", "/api/installations"], ["POST", "/api/installations"], ["GET", "/api/queue"]] as const) {
      const r = await fx.call("ada", method, url, method === "POST" ? { name: "Shop", address: "2 Main Street", timeZone: "Europe/Berlin" } : undefined);
      expect(r.statusCode).toBe(503);
      expect(r.json()).toEqual({ error: "store-unavailable", message: "the centre's database cannot be reached now; nothing was changed, try again" });
    }
    const login = await fx.app.inject({ method: "POST", url: "/api/login", payload: { username: "oli", password: PASSWORDS.oli } });
    expect(login.statusCode).toBe(503);
  });
});
