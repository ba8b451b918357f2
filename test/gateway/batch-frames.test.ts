import { describe, expect, it } from "vitest";
import { Cid, Qualifier, type Event, type UplinkPayload } from "../../protocol/index.js";
import { handleAck } from "../../gateway/downlink/ack.js";
import { handleNak } from "../../gateway/downlink/nak.js";
import { groupFrames } from "../../gateway/frame-groups.js";
import type { OutboxRecord } from "../../gateway/outbox-record.js";
import { linkParts } from "./link-parts.js";
import { burglary } from "./burglary.js";

const openClose = (user: number): Event => ({ code: Cid.OpenClose, q: Qualifier.New, area: 1, user, at: 1_700_000_000_000 });

/** The event seqs a carried frame holds: its `seqs` (a batch) or its own seq. */
const held = (u: UplinkPayload): readonly number[] => ("seqs" in u && u.seqs !== undefined ? u.seqs : [u.seq]);

/** Parts with the hello answered and the window open (no probing), `batchEvents` per frame. */
function open(window: number, batchEvents: number) {
  const p = linkParts({ window, batchEvents, ackTimeoutMs: 1000 });
  p.paths[0]!.state = "up";
  p.prober.reselect();
  const hello = p.carried()[0]!.seq;
  handleAck(p.ctx, 0, [hello], p.refs([hello]));
  p.window.endProbing();
  return p;
}

/** The frames carried after the hello, as the lists of event seqs they hold. */
const frames = (p: ReturnType<typeof linkParts>) => p.carried().slice(1).map(held);

describe("batch frames: formed only from a backlog, one class each, FIFO (protocol/event-batch.ts)", () => {
  it("a lone event goes alone at once, as a frame without seqs; several waiting of one class go as one batch", () => {
    const p = open(4, 4);
    const [alone] = p.outbox.enqueueMany([burglary(1)]);
    p.pump();
    expect(p.carried()[1]).not.toHaveProperty("seqs");
    expect(frames(p)).toEqual([[alone]]);
    const six = p.outbox.enqueueMany([1, 2, 3, 4, 5, 6].map(openClose));
    p.pump();
    expect(frames(p)).toEqual([[alone], six.slice(0, 4), six.slice(4)]);
  });

  it("never mixes classes: alarms and open/close waiting together go as separate frames, alarms first", () => {
    const p = open(4, 8);
    const oc = p.outbox.enqueueMany([1, 2].map(openClose));
    const al = p.outbox.enqueueMany([1, 2].map(burglary));
    p.pump();
    expect(frames(p)).toEqual([al, oc]);
  });

  it("a batch stops at a command result: it goes alone, in its place in the class", () => {
    const p = open(4, 8);
    const tamper: Event = { code: Cid.Tamper, q: Qualifier.New, area: 1, zone: 3, at: 1_700_000_000_000 };
    const [t1] = p.outbox.enqueueMany([tamper]);
    const r = p.outbox.enqueueResult({ id: "c1", ok: true });
    const [t2, t3] = p.outbox.enqueueMany([tamper, tamper]);
    p.pump();
    expect(frames(p)).toEqual([[t1], [r], [t2, t3]]);
  });

  it("with batchEvents 1 every event has a frame of its own (no seqs on the wire)", () => {
    const p = open(8, 1);
    const seqs = p.outbox.enqueueMany([1, 2, 3].map(openClose));
    p.pump();
    expect(frames(p)).toEqual(seqs.map((s) => [s]));
    expect(p.carried().slice(1).every((u) => !("seqs" in u))).toBe(true);
  });
});

describe("batch frames: one window slot kept for alarms", () => {
  it("lower-class batches fill all but one slot; an alarm reported later goes at once into it", () => {
    const p = open(4, 2);
    p.outbox.enqueueMany(Array.from({ length: 20 }, (_, i) => openClose(i + 1)));
    p.pump();
    expect(p.window.size).toBe(3);
    p.pump();
    expect(p.window.size).toBe(3);
    const [alarm] = p.outbox.enqueueMany([burglary(9)]);
    p.pump();
    expect(p.window.size).toBe(4);
    expect(frames(p).at(-1)).toEqual([alarm]);
  });

  it("alarms may take every slot, the kept one included", () => {
    const p = open(4, 1);
    p.outbox.enqueueMany([1, 2, 3, 4, 5].map(burglary));
    p.pump();
    expect(p.window.size).toBe(4);
  });

  it("a window of one (probing) sends the first frame whatever its class", () => {
    const recs: OutboxRecord[] = [{ seq: 5, prio: 2, item: { kind: "event", event: openClose(1) }, queued: 0 }];
    expect(groupFrames(recs, { free: 1, window: 1, lowerInFlight: 0, maxEvents: 4 })).toEqual([recs]);
    expect(groupFrames(recs, { free: 1, window: 2, lowerInFlight: 1, maxEvents: 4 })).toEqual([]);
    expect(groupFrames(recs, { free: 2, window: 2, lowerInFlight: 0, maxEvents: 4 })).toEqual([recs]);
  });
});

describe("batch frames: an ACK removes exactly the events of the frame it names", () => {
  it("the ACK of a batch frame takes all its events out of the outbox and the frame off the window", () => {
    const p = open(4, 4);
    const seqs = p.outbox.enqueueMany([1, 2, 3, 4, 5, 6].map(openClose));
    p.pump();
    const acked = p.record("acked");
    handleAck(p.ctx, 0, [seqs[0]!], p.refs([seqs[0]!]));
    expect(acked).toEqual([{ seq: seqs[0], rttMs: 0, seqs: seqs.slice(0, 4) }]);
    expect(p.outbox.depth().total).toBe(2);
    expect(p.window.size).toBe(1);
  });

  it("an ACK naming the frame's seq with another frame's ref removes nothing", () => {
    const p = open(4, 4);
    const seqs = p.outbox.enqueueMany([1, 2, 3].map(openClose));
    p.pump();
    const refused = p.record("refused");
    handleAck(p.ctx, 0, [seqs[0]!], ["00000000000000ff"]);
    expect(refused).toHaveLength(1);
    expect(p.outbox.depth().total).toBe(3);
    expect(p.window.size).toBe(1);
  });

  it("an ACK naming a seq inside a batch (not the frame's) removes nothing", () => {
    const p = open(4, 4);
    const seqs = p.outbox.enqueueMany([1, 2, 3].map(openClose));
    p.pump();
    handleAck(p.ctx, 0, [seqs[1]!], [p.ref(seqs[0]!)]);
    expect(p.outbox.depth().total).toBe(3);
  });

  it("a permanent NAK of a batch frame parks every event it carried", () => {
    const p = open(4, 4);
    const seqs = p.outbox.enqueueMany([1, 2, 3].map(openClose));
    p.pump();
    const rejected = p.record("rejected");
    handleNak(p.ctx, seqs[0]!, "bad-signature", p.ref(seqs[0]!), p.clock.now());
    expect(rejected.map((r) => r.seq)).toEqual(seqs);
    expect(p.window.size).toBe(0);
    p.pump();
    expect(p.window.size).toBe(0);
    expect(p.outbox.depth().total).toBe(3);
  });
});

describe("batch frames: regrouped after a restart", () => {
  it("an ACK of the old grouping removes what that frame carried and nothing else; the new frame's ACK the rest", () => {
    const p = open(4, 4);
    const first = p.outbox.enqueueMany([1, 2].map(openClose));
    p.pump(); // frame [a, b]
    const oldRef = p.ref(first[0]!);
    const more = p.outbox.enqueueMany([3, 4].map(openClose));
    p.pump(); // frame [c, d]
    p.window.restart(); // a reconnect: both frames stay in the outbox
    p.window.endProbing();
    p.pump(); // regrouped: [a, b, c, d]
    expect(frames(p).at(-1)).toEqual([...first, ...more]);
    const newRef = p.ref(first[0]!);
    expect(newRef).not.toBe(oldRef);
    // The old frame's ACK, late: a and b leave, c and d stay, and so does the new frame (it carries c, d).
    handleAck(p.ctx, 0, [first[0]!], [oldRef]);
    expect(p.outbox.depth().total).toBe(2);
    expect(p.window.size).toBe(1);
    handleAck(p.ctx, 0, [first[0]!], [newRef]);
    expect(p.outbox.depth().total).toBe(0);
    expect(p.window.size).toBe(0);
  });

  it("an old ACK covering all of a regrouped frame's events takes that frame off the window too", () => {
    const p = open(4, 4);
    const seqs = p.outbox.enqueueMany([1, 2, 3].map(openClose));
    p.pump();
    const oldRef = p.ref(seqs[0]!);
    p.window.restart();
    p.window.endProbing();
    p.pump(); // the same three again, new signature and ref
    expect(p.window.size).toBe(1);
    handleAck(p.ctx, 0, [seqs[0]!], [oldRef]);
    expect(p.outbox.depth().total).toBe(0);
    expect(p.window.size).toBe(0);
  });
});
