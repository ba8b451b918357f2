/**
 * The receiver on the simulated broker and a FakeClock, through the same Connector port the gateway uses:
 * store, then ACK; reconnect after exactly its delay; a shared subscription split between two receivers.
 */
import { describe, expect, it } from "vitest";
import { topics } from "../../protocol/index.js";
import { simConnector } from "../../simulator/board/sim-connector.js";
import { Receiver } from "../../simulator/centre/receiver/receiver.js";
import { SqliteCentreStore } from "../../simulator/centre/store-pg/sqlite-store.js";
import { StoreError } from "../../simulator/centre/store/store-error.js";
import type { CentreStorePort } from "../../simulator/centre/store-pg/port.js";
import { centre, commitTurn, rig, started, type SimPanel } from "./sim-receiver-rig.js";

const acked = (p: SimPanel) => p.downlinks.flatMap((d) => ("ack" in d ? d.ack.seqs : []));

describe("receiver on the simulated broker, fake time", () => {
  it("stores a panel's frame and only then ACKs it; a retained status reaches it on subscribing", async () => {
    const t = rig();
    t.register("P1");
    const p = t.panel("P1");
    t.clock.advance(1);
    p.conn.publish(topics.status("P1"), "online", true);
    t.clock.advance(1);
    const r = t.receiver("sim");
    const statuses: string[] = [];
    r.on("status", (panel, s) => statuses.push(`${panel}:${s}`));
    await started(r, t.clock);
    t.clock.advance(1);
    expect(statuses).toEqual(["P1:online"]);

    p.send(0);
    t.clock.advance(2); // panel -> broker -> receiver
    expect(t.store.frames.has("P1", 0)).toBe(false); // not yet committed: nothing may be ACKed
    await commitTurn();
    expect(t.store.frames.has("P1", 0)).toBe(true);
    expect(acked(p)).toEqual([]);
    t.clock.advance(2); // receiver -> broker -> panel
    expect(acked(p)).toEqual([0]);
    expect(r.stats).toMatchObject({ commits: 1, framesCommitted: 1, naks: 0 });
    await r.stop();
  });

  it("hands the ACK to the link before telling its listeners (stored, alarm): a slow listener does not hold the ACK", async () => {
    const t = rig();
    t.register("P1");
    // The receiver's link, recording each publish as it is handed over (before the broker has it).
    const handed: string[] = [];
    const base = simConnector([t.broker]);
    const spy: typeof base = (b, session, handlers) => {
      const conn = base(b, session, handlers);
      return { ...conn, publish: (topic, payload, retain, done) => (handed.push(topic), conn.publish(topic, payload, retain, done)) };
    };
    const r = new Receiver({ url: t.broker.url, store: t.store, centreKey: centre, name: "sim", connector: spy, clock: t.clock, supervise: false });
    await started(r, t.clock);
    const p = t.panel("P1");
    t.clock.advance(1);
    const seen: string[] = [];
    const downlinks = () => handed.filter((x) => x === topics.down("P1")).length;
    r.on("stored", () => seen.push(`stored after ${downlinks()} downlink(s)`));
    r.on("alarm", () => seen.push(`alarm after ${downlinks()} downlink(s)`));
    p.send(0);
    t.clock.advance(2);
    await commitTurn();
    expect(seen).toEqual(["stored after 1 downlink(s)", "alarm after 1 downlink(s)"]);
    t.clock.advance(2);
    expect(acked(p)).toEqual([0]);
    await r.stop();
  });

  it("reconnects after exactly its delay when the broker comes back, and stores again", async () => {
    const t = rig();
    t.register("P1");
    const r = t.receiver("sim");
    await started(r, t.clock);
    t.broker.kill();
    t.broker.revive();
    const attempts = t.broker.attempts.length;
    t.clock.advance(999);
    expect(t.broker.attempts.length).toBe(attempts);
    t.clock.advance(1);
    expect(t.broker.attempts.length).toBe(attempts + 1);
    t.clock.advance(1);
    const p = t.panel("P1");
    t.clock.advance(1);
    p.send(7);
    t.clock.advance(2);
    await commitTurn();
    t.clock.advance(2);
    expect(acked(p)).toEqual([7]);
    await r.stop();
  });

  it("two receivers in one $share group split the uplinks, and each frame is stored once", async () => {
    const t = rig();
    const ids = ["P1", "P2", "P3", "P4"];
    ids.forEach(t.register);
    const a = t.receiver("a");
    const b = t.receiver("b");
    const storedBy = { a: 0, b: 0 };
    a.on("stored", () => storedBy.a++);
    b.on("stored", () => storedBy.b++);
    await started(a, t.clock);
    await started(b, t.clock);
    const panels = ids.map((id) => t.panel(id));
    t.clock.advance(1);
    panels.forEach((p) => p.send(1));
    t.clock.advance(2);
    await commitTurn();
    t.clock.advance(2);
    expect(storedBy).toEqual({ a: 2, b: 2 });
    expect(panels.map(acked)).toEqual([[1], [1], [1], [1]]);
    await a.stop();
    await b.stop();
  });

  it("a store that cannot be reached gets neither ACK nor NAK; the panel's resend is stored and ACKed once it is back", async () => {
    const t = rig();
    t.register("P1");
    // A networked store (no same-turn commit) whose database is down until `down` is cleared.
    const sqlite = SqliteCentreStore.over(t.store);
    let down = true;
    const port: CentreStorePort = {
      kind: "sqlite",
      registry: sqlite.registry,
      frames: { ...sqlite.frames, storeNow: undefined, store: (b, at, r) => (down ? Promise.reject(new StoreError("store-unavailable", "connection refused")) : sqlite.frames.store(b, at, r)) },
      alarms: sqlite.alarms,
      schemaVersion: () => sqlite.schemaVersion(),
      leadership: (n, o) => sqlite.leadership(n, o),
      close: () => sqlite.close(),
    };
    const r = t.receiver("sim", port);
    const held: number[] = [];
    r.on("held", (n) => held.push(n));
    await started(r, t.clock);
    const p = t.panel("P1");
    t.clock.advance(1);
    p.send(3);
    t.clock.advance(2);
    await commitTurn();
    t.clock.advance(2);
    expect(held).toEqual([1]);
    expect(p.downlinks).toEqual([]); // no ACK, and no NAK: the panel keeps the frame and resends it
    expect(t.store.frames.has("P1", 3)).toBe(false);
    down = false;
    p.send(3);
    t.clock.advance(2);
    await commitTurn();
    t.clock.advance(2);
    expect(acked(p)).toEqual([3]);
    expect(t.store.frames.count("P1")).toBe(1);
    expect(r.stats).toMatchObject({ held: 1, framesCommitted: 1, naks: 0 });
    await r.stop();
  });

  it("centre-wide timers follow the leader: the owner killed, another receiver takes supervision when its lease runs out (15 s), not before, and raises the fault", async () => {
    const t = rig();
    t.store.registry.addPanel("P1", "SP6", t.clock.now()); // silent: due 20 s after registration
    const lead = { everyMs: 1_000 };
    const make = (name: string) => new Receiver({ url: t.broker.url, store: t.store, centreKey: centre, name, connector: simConnector([t.broker]), clock: t.clock, leadership: lead });
    const a = make("a");
    const b = make("b");
    const faults: string[] = [];
    a.on("transmission-fault", () => faults.push("a"));
    b.on("transmission-fault", () => faults.push("b"));
    await started(a, t.clock);
    await commitTurn();
    await started(b, t.clock);
    await commitTurn();
    expect(a.leads.sort()).toEqual(["gaps", "supervision"]);
    expect(b.leads).toEqual([]);
    a.kill(); // its lease stays until it expires, as a crashed process's would
    const killed = t.clock.now();
    const step = async (ms: number) => {
      t.clock.advance(ms);
      await commitTurn();
    };
    while (t.clock.now() < killed + 14_000) await step(500);
    expect(b.leads).toEqual([]);
    while (t.clock.now() < killed + 16_500) await step(500);
    expect(b.leads.sort()).toEqual(["gaps", "supervision"]);
    while (t.clock.now() < killed + 20_000) await step(500);
    expect(faults).toEqual(["b"]);
    await b.stop();
  });
});
