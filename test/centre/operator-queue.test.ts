/** The operators' queue: priority then age; new -> taken -> handled -> closed; the history behind each. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Priority } from "../../protocol/index.js";
import { nextAlarmState, type AlarmAction, type AlarmState } from "../../simulator/centre/store/alarm.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { FakeClock } from "../../protocol/clock.js";
import { startOperatorHttp } from "../../simulator/centre/operator/operator-http.js";
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

describe("operator HTTP API", () => {
  it("a port already in use is an EADDRINUSE the caller can report, not an unhandled error", async () => {
    const first = await startOperatorHttp(queue);
    try {
      await expect(startOperatorHttp(queue, { port: first.port })).rejects.toMatchObject({ code: "EADDRINUSE" });
    } finally {
      await first.close();
    }
  });

  it("lists, takes, handles and closes over JSON, with typed errors", async () => {
    const api = await startOperatorHttp(queue);
    const base = `http://127.0.0.1:${api.port}`;
    const post = (path: string, body: unknown) => fetch(base + path, { method: "POST", body: JSON.stringify(body) });
    try {
      frame("P1", ev(130, 1, 3));
      const list = (await (await fetch(`${base}/alarms`)).json()) as { id: number; title: string }[];
      expect(list.map((a) => a.title)).toEqual(["burglary zone 3 area 1"]);
      const id = list[0]!.id;
      expect((await post(`/alarms/${id}/take`, { operator: "ann" })).status).toBe(200);
      const clash = await post(`/alarms/${id}/take`, { operator: "bob" });
      expect(clash.status).toBe(409);
      expect(await clash.json()).toMatchObject({ error: "bad-transition" });
      expect((await post(`/alarms/${id}/handle`, { operator: "ann", note: "guard sent" })).status).toBe(200);
      expect(await (await post(`/alarms/${id}/close`, { operator: "ann" })).json()).toMatchObject({ state: "closed" });
      const history = (await (await fetch(`${base}/alarms/${id}`)).json()) as { log: { state: string }[] };
      expect(history.log.map((l) => l.state)).toEqual(["new", "taken", "handled", "closed"]);
      expect((await post(`/alarms/999/take`, { operator: "ann" })).status).toBe(404);
      expect((await post(`/alarms/${id}/take`, { who: "ann" })).status).toBe(400);
    } finally {
      await api.close();
    }
  });
});
