import { describe, expect, it } from "vitest";
import { sealDownlink, type Command, type DownlinkPayload } from "../../protocol/index.js";
import { FakeClock } from "../../protocol/clock.js";
import { CommandGuard } from "../../gateway/command-guard.js";
import { openDatabase } from "../../gateway/database.js";
import { handleAck } from "../../gateway/downlink/ack.js";
import { handleCommand, type CommandContext } from "../../gateway/downlink/command.js";
import { handleNak } from "../../gateway/downlink/nak.js";
import { routeDownlink } from "../../gateway/downlink/route-downlink.js";
import { clockOffset } from "../../gateway/downlink/time-sync.js";
import type { GatewayError } from "../../gateway/errors.js";
import { flowing, linkParts } from "./link-parts.js";
import { burglary } from "./burglary.js";


describe("ACK (downlink/ack.ts): only the signed ACK naming a seq removes it", () => {
  it("removes the named items from the outbox and the window, reports the RTT, opens the window, refills", () => {
    const p = flowing(5);
    expect(p.window.size).toBe(4); // the hello's ACK opened the window (4)
    const acked = p.record("acked");
    const sent = p.record("sent");
    p.clock.advance(40);
    handleAck(p.ctx, 0, [p.seqs[0]!, 12_345], p.refs([p.seqs[0]!, 12_345]));
    expect(acked).toEqual([{ seq: p.seqs[0], rttMs: 40 }]);
    expect(p.outbox.depth().total).toBe(4);
    expect(sent.map((s) => s.seq)).toEqual([p.seqs[4]]);
    expect(p.window.size).toBe(4);
  });
});

describe("NAK (downlink/nak.ts)", () => {
  it("stale: the clock takes the centre's time and the frame goes again at once", () => {
    const p = flowing(1);
    const sent = p.record("sent");
    p.clock.advance(10);
    handleNak(p.ctx, p.seqs[0]!, "stale", p.ref(p.seqs[0]!), p.clock.now() + 60_000);
    expect(p.offset()).toBe(60_000);
    expect(sent).toEqual([{ seq: p.seqs[0], attempt: 2, path: 0 }]);
    expect(p.carried().at(-1)!.sent).toBe(p.clock.now() + 60_000);
  });

  it("permanent (bad-signature): parked, reported rejected, not resent, the next item goes", () => {
    const p = flowing(5);
    const rejected = p.record("rejected");
    const sent = p.record("sent");
    handleNak(p.ctx, p.seqs[0]!, "bad-signature", p.ref(p.seqs[0]!), p.clock.now());
    expect(rejected).toEqual([{ seq: p.seqs[0], reason: "bad-signature" }]);
    expect(sent.map((s) => s.seq)).toEqual([p.seqs[4]]);
    expect(p.outbox.depth().total).toBe(5); // parked, still stored
    p.clock.advance(5000);
    expect(sent.map((s) => s.seq)).not.toContain(p.seqs[0]);
  });

  it("store-failed: nothing at once; the ACK timeout resends it", () => {
    const p = flowing(1);
    const sent = p.record("sent");
    const naks = p.record("nak");
    handleNak(p.ctx, p.seqs[0]!, "store-failed", p.ref(p.seqs[0]!), p.clock.now());
    expect(naks).toEqual([{ seq: p.seqs[0], reason: "store-failed" }]);
    expect(sent).toEqual([]);
    p.clock.advance(1000);
    expect(sent).toEqual([{ seq: p.seqs[0], attempt: 2, path: 0 }]);
  });
});

describe("routing a downlink message (downlink/route-downlink.ts)", () => {
  const down = (p: ReturnType<typeof linkParts>, body: object, signer = p.keys.centre) =>
    sealDownlink({ v: 1, panel: "p1", sent: p.clock.now(), ...body } as DownlinkPayload, signer);

  it("a retained message is never acted on (MQTT v5 3.3.1.3)", () => {
    const p = linkParts();
    const refused = p.record("refused");
    const commands = p.record("command");
    const cmd: Command = { id: "a1", type: "arm", area: 1, mode: "away", exp: p.clock.now() + 60_000 };
    routeDownlink(p.ctx, { panel: "p1", centreKey: p.keys.centrePublic }, 0, down(p, { cmd }), true);
    expect(refused).toEqual([{ code: "retained", message: "retained downlink message ignored" }]);
    expect(commands).toEqual([]);
    routeDownlink(p.ctx, { panel: "p1", centreKey: p.keys.centrePublic }, 0, down(p, { cmd }), false);
    expect(commands).toEqual([{ cmd, centreSent: p.clock.now() }]);
  });

  it("a frame not signed by the pinned centre key is refused with the protocol's code", () => {
    const p = linkParts();
    const refused = p.record("refused");
    routeDownlink(p.ctx, { panel: "p1", centreKey: p.keys.centrePublic }, 0, down(p, { ack: { seqs: [0], refs: [p.ref(0)] } }, p.keys.panel), false);
    expect(refused.map((r) => r.code)).toEqual(["unknown-key"]);
  });
});

describe("commands (downlink/command.ts) and time-sync (downlink/time-sync.ts)", () => {
  function ctx(clock = new FakeClock()) {
    const refused: GatewayError[] = [];
    const executed: Command[] = [];
    let offset = 0;
    const c: CommandContext = {
      guard: new CommandGuard(openDatabase(":memory:")),
      clock,
      link: { now: () => clock.now() + offset, setClockOffset: (ms) => void (offset = ms) },
      execute: (cmd) => (executed.push(cmd), { id: cmd.id, ok: true }),
      refused: (e) => refused.push(e),
    };
    return { c, clock, refused, executed, offset: () => offset };
  }
  const arm = (clock: FakeClock, id = "a1"): Command => ({ id, type: "arm", area: 1, mode: "away", exp: clock.now() + 60_000 });

  it("a fresh command runs once; its replay is refused and gets no second result", () => {
    const t = ctx();
    const cmd = arm(t.clock);
    expect(handleCommand(t.c, cmd, t.clock.now())).toEqual({ id: "a1", ok: true });
    expect(handleCommand(t.c, cmd, t.clock.now())).toBeUndefined();
    expect(t.executed).toHaveLength(1);
    expect(t.refused.map((e) => e.code)).toEqual(["replay"]);
  });

  it("freshness (SIA DC-09 window -40 s / +20 s): fresh at 40 s old, refused as stale at 40,001 ms", () => {
    const t = ctx();
    expect(handleCommand(t.c, arm(t.clock, "ok"), t.clock.now() - 40_000)).toEqual({ id: "ok", ok: true });
    expect(handleCommand(t.c, arm(t.clock, "old"), t.clock.now() - 40_001)).toEqual({ id: "old", ok: false, error: "stale" });
  });

  it("a time-sync is exempt from freshness and sets the offset to centre time minus local time", () => {
    const t = ctx();
    const sync: Command = { id: "t1", type: "time-sync", exp: t.clock.now() + 3_600_000 };
    const centre = t.clock.now() + 3_000_000;
    expect(handleCommand(t.c, sync, centre)).toEqual({ id: "t1", ok: true });
    expect(t.offset()).toBe(3_000_000);
    expect(clockOffset(centre, t.clock)).toBe(3_000_000);
  });

  it("the panel's handler throwing is the command's failed result (internal), its details only in the log", () => {
    const t = ctx();
    const failed: unknown[] = [];
    const c = { ...t.c, execute: () => { throw new Error("area 1 has an open zone"); }, failed: (_: unknown, e: unknown) => void failed.push(e) };
    expect(handleCommand(c, arm(t.clock), t.clock.now())).toEqual({ id: "a1", ok: false, error: "internal" });
    expect(String(failed[0])).toMatch(/area 1 has an open zone/);
  });
});

describe("answers name the exact frame (protocol/frame-ref.ts): the gateway acts only on answers to its own frames", () => {
  const junkRef = "00112233aabbccdd";
  /** A ref one bit away from `ref`. */
  const junkRefFor = (ref: string) => (ref[0] === "0" ? "1" : "0") + ref.slice(1);
  const down = (p: ReturnType<typeof linkParts>, body: object) => sealDownlink({ v: 1, panel: "p1", sent: p.clock.now(), ...body } as DownlinkPayload, p.keys.centre);
  const route = (p: ReturnType<typeof linkParts>, frame: Uint8Array) => routeDownlink(p.ctx, { panel: "p1", centreKey: p.keys.centrePublic }, 0, frame, false);

  it("a signed ACK naming a seq in flight but another frame's ref is ignored: the item stays, in the window and the outbox", () => {
    const p = flowing(1);
    const refused = p.record("refused");
    const acked = p.record("acked");
    route(p, down(p, { ack: { seqs: [p.seqs[0]!], refs: [junkRef] } }));
    expect(acked).toEqual([]);
    expect(refused.map((r) => r.code)).toEqual(["unanswered"]);
    expect(p.outbox.depth().total).toBe(1);
    expect(p.window.size).toBe(1);
    route(p, down(p, { ack: { seqs: [p.seqs[0]!], refs: [p.ref(p.seqs[0]!)] } }));
    expect(acked.map((a) => a.seq)).toEqual([p.seqs[0]]);
    expect(p.outbox.depth().total).toBe(0);
  });

  it("a replayed old ACK is ignored: it names a frame no longer in flight", () => {
    const p = flowing(1);
    const ack = down(p, { ack: { seqs: [p.seqs[0]!], refs: [p.ref(p.seqs[0]!)] } });
    route(p, ack);
    const [next] = p.outbox.enqueueMany([burglary(9)]);
    p.pump();
    const refused = p.record("refused");
    const acked = p.record("acked");
    route(p, ack);
    expect(acked).toEqual([]);
    expect(refused.map((r) => r.code)).toEqual(["unanswered"]);
    expect(p.outbox.depth().total).toBe(1);
    expect(p.window.size).toBe(1);
    expect(p.carried().at(-1)!.seq).toBe(next);
  });

  it("an ACK naming an earlier transmission of a resent frame still answers it (the centre stored that one)", () => {
    const p = flowing(1);
    const firstRef = p.ref(p.seqs[0]!);
    p.clock.advance(1000); // ACK timeout: resent with a fresh signature, so a fresh ref
    expect(p.ref(p.seqs[0]!)).not.toBe(firstRef);
    const acked = p.record("acked");
    handleAck(p.ctx, 0, [p.seqs[0]!], [firstRef]);
    expect(acked.map((a) => a.seq)).toEqual([p.seqs[0]]);
  });

  it("an ACK for a transmission from before a reconnect (the window restarted) still answers it; a made-up ref still does not", () => {
    const p = flowing(1);
    const ref = p.ref(p.seqs[0]!);
    p.window.restart();
    const refused = p.record("refused");
    handleAck(p.ctx, 0, [p.seqs[0]!], [junkRefFor(ref)]);
    expect(refused.map((r) => r.code)).toEqual(["unanswered"]);
    expect(p.outbox.depth().total).toBe(1);
    handleAck(p.ctx, 0, [p.seqs[0]!], [ref]);
    expect(p.outbox.depth().total).toBe(0);
  });

  it("NAK bait: a permanent NAK answering a junk frame published with our next seq parks nothing", () => {
    const p = flowing(1);
    const rejected = p.record("rejected");
    const refused = p.record("refused");
    route(p, down(p, { nak: { seq: p.seqs[0]!, reason: "bad-signature", ref: junkRef } }));
    expect(rejected).toEqual([]);
    expect(refused.map((r) => r.code)).toEqual(["unanswered"]);
    expect(p.window.size).toBe(1);
    // The real answer to the real frame still parks it, as before.
    route(p, down(p, { nak: { seq: p.seqs[0]!, reason: "wrong-panel", ref: p.ref(p.seqs[0]!) } }));
    expect(rejected).toEqual([{ seq: p.seqs[0], reason: "wrong-panel" }]);
  });

  it("a stale NAK naming another frame does not move the clock; naming ours it does", () => {
    const p = flowing(1);
    route(p, sealDownlink({ v: 1, panel: "p1", sent: p.clock.now() + 3_600_000, nak: { seq: p.seqs[0]!, reason: "stale", ref: junkRef } }, p.keys.centre));
    expect(p.offset()).toBe(0);
    route(p, sealDownlink({ v: 1, panel: "p1", sent: p.clock.now() + 60_000, nak: { seq: p.seqs[0]!, reason: "stale", ref: p.ref(p.seqs[0]!) } }, p.keys.centre));
    expect(p.offset()).toBe(60_000);
  });
});
