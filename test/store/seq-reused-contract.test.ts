/**
 * The centre store contract for a sequence number handed out twice (a panel whose outbox was lost starts
 * again at 0), both stores: the same content again is a duplicate (a resend; `sent` may differ), other
 * content is `reused` with `next` = the panel's highest stored seq + 1, and nothing of it is stored.
 */
import { describe, expect, it } from "vitest";
import type { Event } from "../../protocol/index.js";
import { PROTOCOL_VERSION, Qualifier } from "../../protocol/index.js";
import type { CentreStorePort } from "../../simulator/centre/store-pg/port.js";
import { frameEvents } from "../../simulator/centre/receiver/frame-events.js";
import { STORE_KINDS, frameToStore, useFreshCentre } from "../support/centre-stores.js";

const T0 = Date.UTC(2026, 0, 1);
const ev = (zone: number, at = T0, q: Qualifier = Qualifier.New): Event => ({ code: 130, q, area: 1, zone, at });
const events = (panel: string, seq: number, sent: number, ...e: Event[]) => frameToStore({ v: PROTOCOL_VERSION, panel, seq, sent, events: e });
const beat = (panel: string, seq: number, sent: number, outbox: number) => frameToStore({ v: PROTOCOL_VERSION, panel, seq, sent, heartbeat: { areas: [{ area: 1, mode: "away" }], troubles: [], outbox } });

describe.each(STORE_KINDS)("centre store contract, a reused sequence number (%s)", (kind) => {
  let s: CentreStorePort;
  const centre = useFreshCentre(kind, async (c) => {
    s = await c.open();
    await s.registry.addPanel("P1", "SP4", T0);
    await s.registry.addPanel("P2", "SP4", T0);
    await s.frames.store([events("P1", 0, T0, ev(1)), events("P1", 1, T0, ev(2)), beat("P1", 2, T0, 0), events("P1", 7, T0, ev(3))], T0, "r1");
  });

  it("the same events again, sent later (a resend): duplicate", async () => {
    const out = await s.frames.store([events("P1", 0, T0 + 5_000, ev(1)), beat("P1", 2, T0 + 9_000, 0)], T0 + 10_000, "r1");
    expect(out).toEqual([{ result: "duplicate" }, { result: "duplicate" }]);
  });

  it("other events under a stored seq: reused, next = the panel's highest stored seq + 1, nothing written, no alarm", async () => {
    const alarmsBefore = (await s.alarms.list()).length;
    const later = T0 + 86_400_000;
    const out = await s.frames.store([events("P1", 0, later, ev(1, later)), events("P1", 1, later, ev(4)), beat("P1", 2, later, 3)], later, "r1");
    expect(out).toEqual([
      { result: "reused", next: 8 }, // same zone, another time
      { result: "reused", next: 8 }, // another zone
      { result: "reused", next: 8 }, // a heartbeat saying something else
    ]);
    expect(await s.frames.count("P1")).toBe(4);
    expect((await s.alarms.list()).length).toBe(alarmsBefore);
  });

  it("a qualifier alone differing is other content", async () => {
    const [o] = await s.frames.store([events("P1", 1, T0, ev(2, T0, Qualifier.Restore))], T0, "r1");
    expect(o).toEqual({ result: "reused", next: 8 });
  });

  it("per panel: the same seq of another panel is new to the centre, and next counts the batch's own new rows", async () => {
    const out = await s.frames.store([events("P2", 0, T0, ev(9)), events("P1", 20, T0, ev(5)), events("P1", 1, T0, ev(6))], T0, "r1");
    expect(out.map((o) => o.result)).toEqual(["stored", "stored", "reused"]);
    expect(out[2]).toEqual({ result: "reused", next: 21 });
  });

  it("two frames under one seq in one batch: the same content again is a duplicate, other content is reused (never ACKed as a duplicate)", async () => {
    const out = await s.frames.store([events("P1", 30, T0, ev(5)), events("P1", 30, T0 + 1, ev(5)), events("P1", 30, T0 + 2, ev(6))], T0 + 2, "r1");
    expect(out.map((o) => o.result)).toEqual(["stored", "duplicate", "reused"]);
    expect(out[2]).toEqual({ result: "reused", next: 31 });
    expect(await s.frames.count("P1")).toBe(5);
  });

  it("a batch frame's rows are judged one by one: an event stored before is a duplicate, another under a stored seq is reused", async () => {
    const rows = frameEvents("P1", "k1", { v: PROTOCOL_VERSION, panel: "P1", seq: 1, sent: T0 + 1, events: [ev(2), ev(8)], seqs: [1, 8] }, new Uint8Array([9]));
    const out = await s.frames.store(rows, T0 + 1, "r1");
    expect(out.map((o) => o.result)).toEqual(["duplicate", "stored"]);
    const again = frameEvents("P1", "k1", { v: PROTOCOL_VERSION, panel: "P1", seq: 7, sent: T0 + 2, events: [ev(3), ev(9)], seqs: [7, 8] }, new Uint8Array([9]));
    expect((await s.frames.store(again, T0 + 2, "r1")).map((o) => o.result)).toEqual(["duplicate", "reused"]);
  });
});
