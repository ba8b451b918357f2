/** The operators' queue: priority then age; new -> taken -> handled -> closed; the history behind each. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Priority } from "../../protocol/index.js";
import { nextAlarmState, type AlarmAction, type AlarmState } from "../../simulator/centre/store/alarm.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { FakeClock } from "../../protocol/clock.js";
import { pino } from "pino";
import { queueRoutes } from "../../simulator/centre/cli/queue-routes.js";
import { buildServicesApi } from "../../simulator/centre/services/http-api.js";
import { TEST_SCRYPT } from "../../simulator/centre/services/secret-hash.js";
import { SqliteServicesDb } from "../../simulator/centre/services/sqlite-services-db.js";
import { Services } from "../../simulator/centre/services/services.js";
import { simulatedPorts } from "../../simulator/centre/services/simulated-ports.js";
import { OperatorQueue } from "../../simulator/centre/operator/operator-queue.js";
import type { Event } from "../../protocol/index.js";

let store: CentreStore;
let clock: FakeClock;
let queue: OperatorQueue;
let seq = 0;

beforeEach(() => {
  store = CentreStore.open(":memory:");
  clock = new FakeClock();
  queue = new OperatorQueue(store, clock);
  seq = 0;
  store.registry.addPanel("P1", "SP4", clock.now());
  store.registry.addPanel("P2", "SP4", clock.now());
});
afterEach(() => store.close());

function frame(panel: string, ...events: Event[]) {
  const s = seq++;
  return store.frames.store([{ panel, seq: s, kid: "k", payload: { v: 1, panel, seq: s, sent: clock.now(), events }, frame: new Uint8Array([0]) }], clock.now(), "r")[0]!;
}
const ev = (code: number, q: 1 | 3, zone?: number, user?: number): Event => ({ code, q, area: 1, ...(zone !== undefined ? { zone } : {}), ...(user !== undefined ? { user } : {}), at: clock.now() });

describe("operator queue order", () => {
  it("most urgent first, then oldest first; open/close and tests do not queue", async () => {
    frame("P1", ev(301, 1, undefined)); // AC loss: Urgent
    clock.advance(1000);
    frame("P1", ev(401, 3, undefined, 2)); // closing: logged only
    frame("P2", ev(602, 1, undefined)); // periodic test: logged only
    clock.advance(1000);
    frame("P2", ev(130, 1, 4)); // burglary: Alarm
    clock.advance(1000);
    frame("P1", ev(120, 1, 7)); // panic: Alarm, newer
    expect((await queue.list()).map((a) => [a.panel, a.title, a.priority])).toEqual([
      ["P2", "burglary zone 4 area 1", Priority.Alarm],
      ["P1", "panic zone 7 area 1", Priority.Alarm],
      ["P1", "AC loss area 1", Priority.Urgent],
    ]);
    expect((await queue.next())?.title).toBe("burglary zone 4 area 1");
  });

  it("repeats and the restore of the same zone join one alarm, with every frame in its history", async () => {
    frame("P1", ev(130, 1, 3));
    frame("P1", ev(130, 1, 3));
    frame("P1", ev(130, 3, 3));
    const [a] = await queue.list();
    expect(await queue.list()).toHaveLength(1);
    const h = await queue.history(a!.id);
    expect(h.frames.map((f) => f.seq)).toEqual([0, 1, 2]);
    expect(h.log.map((l) => l.note)).toEqual(["seq 0: burglary zone 3 area 1", "seq 1: burglary zone 3 area 1", "seq 2: burglary zone 3 area 1 restored"]);
  });
});

describe("alarm lifecycle", () => {
  it("new -> taken -> handled -> closed by one operator; closed alarms leave the queue", async () => {
    frame("P1", ev(130, 1, 3));
    const id = (await queue.list())[0]!.id;
    expect((await queue.take(id, "ann")).state).toBe("taken");
    await expect(queue.take(id, "bob")).rejects.toThrow(expect.objectContaining({ code: "bad-transition" }));
    await expect(queue.handle(id, "bob")).rejects.toThrow(expect.objectContaining({ code: "not-owner" }));
    clock.advance(5000);
    expect((await queue.handle(id, "ann", "called keyholder; guard sent")).state).toBe("handled");
    expect((await queue.close(id, "ann")).state).toBe("closed");
    expect(await queue.list()).toEqual([]);
    expect((await queue.history(id)).log.map((l) => [l.state, l.operator])).toEqual([
      ["new", null],
      ["taken", "ann"],
      ["handled", "ann"],
      ["closed", "ann"],
    ]);
    // A new burglary on the same zone after closing is a new alarm.
    frame("P1", ev(130, 1, 3));
    expect((await queue.list()).map((a) => a.id)).not.toContain(id);
    expect(await queue.list()).toHaveLength(1);
  });

  it("refuses an unknown alarm with a typed error", async () => {
    await expect(queue.take(999, "ann")).rejects.toThrow(expect.objectContaining({ code: "unknown-alarm" }));
  });

  it("allows exactly the transitions of the lifecycle", async () => {
    const table: Record<AlarmState, Partial<Record<AlarmAction, AlarmState>>> = {
      new: { take: "taken" },
      taken: { release: "new", handle: "handled" },
      handled: { close: "closed" },
      closed: {},
    };
    for (const [state, allowed] of Object.entries(table) as [AlarmState, Partial<Record<AlarmAction, AlarmState>>][]) {
      for (const action of ["take", "release", "handle", "close"] as AlarmAction[]) {
        const want = allowed[action];
        if (want) expect(nextAlarmState(state, action)).toBe(want);
        else expect(() => nextAlarmState(state, action)).toThrow(expect.objectContaining({ code: "bad-transition" }));
      }
    }
  });
});

describe("operator queue on the services API, behind a login", () => {
  async function api() {
    const services = await Services.open(new SqliteServicesDb(store.db), clock, simulatedPorts(clock), { scrypt: TEST_SCRYPT });
    await services.operators.create("test", { username: "ann", password: "ann-operator-pass", role: "operator" });
    await services.operators.create("test", { username: "bob", password: "bob-operator-pass", role: "operator" });
    const app = buildServicesApi(services, { logger: pino({ level: "silent" }), clock, routes: [queueRoutes(queue)] });
    const login = async (username: string) => (await app.inject({ method: "POST", url: "/api/login", payload: { username, password: `${username}-operator-pass` } })).json().token as string;
    const as = (token: string | undefined) => (method: "GET" | "POST", url: string, payload?: object) =>
      app.inject({ method, url, headers: token ? { authorization: `Bearer ${token}` } : {}, ...(payload ? { payload } : {}) });
    return { app, ann: as(await login("ann")), bob: as(await login("bob")), anon: as(undefined) };
  }

  it("refuses every queue route without a session (401) and with a stale token (401)", async () => {
    const { app, anon } = await api();
    try {
      frame("P1", ev(130, 1, 3));
      const [a] = await queue.list();
      for (const [method, url] of [["GET", "/api/alarms"], ["GET", `/api/alarms/${a!.id}`], ["POST", `/api/alarms/${a!.id}/take`]] as const) {
        const r = await anon(method, url, method === "POST" ? {} : undefined);
        expect(r.statusCode).toBe(401);
        expect(r.json()).toMatchObject({ error: "unauthenticated" });
      }
      const stale = await app.inject({ method: "GET", url: "/api/alarms", headers: { authorization: "Bearer not-a-session" } });
      expect(stale.statusCode).toBe(401);
      expect(store.alarms.get(a!.id).state).toBe("new");
    } finally {
      await app.close();
    }
  });

  it("lists, takes, handles and closes over JSON as the logged-in operator, with typed errors", async () => {
    const { app, ann, bob } = await api();
    try {
      frame("P1", ev(130, 1, 3));
      const list = (await ann("GET", "/api/alarms")).json() as { id: number; title: string }[];
      expect(list.map((a) => a.title)).toEqual(["burglary zone 3 area 1"]);
      const id = list[0]!.id;
      expect((await ann("POST", `/api/alarms/${id}/take`, {})).json()).toMatchObject({ state: "taken", operator: "ann" });
      const clash = await bob("POST", `/api/alarms/${id}/take`, {});
      expect(clash.statusCode).toBe(409);
      expect(clash.json()).toMatchObject({ error: "bad-transition" });
      const notHers = await bob("POST", `/api/alarms/${id}/handle`, {});
      expect(notHers.statusCode).toBe(409);
      expect(notHers.json()).toMatchObject({ error: "not-owner" });
      expect((await ann("POST", `/api/alarms/${id}/handle`, { note: "guard sent" })).statusCode).toBe(200);
      expect((await ann("POST", `/api/alarms/${id}/close`)).json()).toMatchObject({ state: "closed" });
      const history = (await ann("GET", `/api/alarms/${id}`)).json() as { log: { state: string; operator: string | null }[] };
      expect(history.log.map((l) => l.state)).toEqual(["new", "taken", "handled", "closed"]);
      expect(history.log.slice(1).map((l) => l.operator)).toEqual(["ann", "ann", "ann"]);
      expect((await ann("GET", "/api/alarms")).json()).toEqual([]);
      expect(((await ann("GET", "/api/alarms?all=1")).json() as unknown[]).length).toBe(1);
      const unknown = await ann("POST", "/api/alarms/999/take", {});
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({ error: "unknown-alarm" });
      // The operator is the session's: a name in the body is refused, not believed.
      const named = await ann("POST", `/api/alarms/${id}/take`, { operator: "bob" });
      expect(named.statusCode).toBe(400);
      expect(named.json()).toMatchObject({ error: "bad-input" });
      expect((await ann("POST", `/api/alarms/${id}/dance`, {})).statusCode).toBe(400);
    } finally {
      await app.close();
    }
  });
});
