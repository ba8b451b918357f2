import { describe, expect, it } from "vitest";
import { Cid, Qualifier, type Event } from "../../protocol/index.js";
import { linkParts } from "./link-parts.js";
import { burglary } from "./burglary.js";

const openClose = (user: number): Event => ({ code: Cid.OpenClose, q: Qualifier.New, area: 1, user, at: 1_700_000_000_000 });

/** Parts with the window filled straight from the outbox (no hello: the prober is not asked). */
function started(window = 4, maxWindow?: number) {
  const p = linkParts({ window, ...(maxWindow !== undefined ? { maxWindow } : {}), ackTimeoutMs: 1000 });
  p.paths[0]!.state = "up";
  // Route to path 0 without the prober's hello: select it, then forget the hello.
  p.prober.reselect();
  const hello = p.carried()[0]!.seq;
  p.window.acknowledge([hello], p.refs([hello]));
  p.outbox.remove([hello]);
  p.prober.helloAcked([hello]);
  return p;
}

describe("send window: probing, then the window opens", () => {
  it("one frame on the wire until an ACK proves the path, then up to `window` frames", () => {
    const p = started(4);
    const sent = p.record("sent");
    const seqs = p.outbox.enqueueMany([1, 2, 3, 4, 5, 6].map(burglary));
    p.window.fill();
    expect(sent.map((s) => s.seq)).toEqual([seqs[0]]);
    p.window.acknowledge([seqs[0]!], p.refs([seqs[0]!]));
    p.outbox.remove([seqs[0]!]);
    p.window.endProbing();
    p.window.fill();
    expect(sent.map((s) => s.seq)).toEqual(seqs.slice(0, 5));
    expect(p.window.size).toBe(4);
  });

  it("fills in delivery order: alarms before open/close, FIFO within a class", () => {
    const p = started(8);
    p.window.endProbing();
    const [oc] = p.outbox.enqueueMany([openClose(1)]);
    const [al] = p.outbox.enqueueMany([burglary(1)]);
    p.window.fill();
    expect(p.carried().slice(1).map((f) => f.seq)).toEqual([al, oc]);
  });
});

describe("send window: ACK timeout and resend (SIA DC-09: same sequence number, fresh signature and time)", () => {
  it("not resent at 999 ms; resent with the same seq, attempt 2 and a new `sent` at 1,000 ms", () => {
    const p = started();
    const sent = p.record("sent");
    const [seq] = p.outbox.enqueueMany([burglary(1)]);
    p.window.fill();
    p.clock.advance(999);
    expect(sent).toHaveLength(1);
    p.clock.advance(1);
    expect(sent).toEqual([
      { seq, attempt: 1, path: 0 },
      { seq, attempt: 2, path: 0 },
    ]);
    const frames = p.carried().slice(1);
    expect(frames[1]!.seq).toBe(frames[0]!.seq);
    expect(frames[1]!.sent - frames[0]!.sent).toBe(1000);
  });

  /** Window open after a hello answered in 20 ms (the smoothed round trip, RFC 6298), then seqs 1..3 sent and all timed out: seq 1 resent as the probe. */
  function timedOut() {
    const p = linkParts({ window: 4, ackTimeoutMs: 1000 });
    p.paths[0]!.state = "up";
    p.prober.reselect();
    const hello = p.carried()[0]!.seq;
    p.clock.advance(20);
    p.window.acknowledge([hello], p.refs([hello]));
    p.outbox.remove([hello]);
    p.prober.helloAcked([hello]);
    p.window.endProbing();
    const seqs = p.outbox.enqueueMany([1, 2, 3].map(burglary));
    p.window.fill();
    const sent = p.record("sent");
    p.clock.advance(1000);
    return { p, seqs, sent };
  }

  it("after a timeout only the first frame in delivery order goes again; the rest follow in order when no ACK of theirs comes within twice the smoothed round trip", () => {
    const { p, seqs, sent } = timedOut();
    expect(sent.map((s) => s.seq)).toEqual([seqs[0]]);
    expect(p.window.probing).toBe(true);
    const { done } = p.window.acknowledge([seqs[0]!], p.refs([seqs[0]!]));
    expect(done).toEqual([{ seq: seqs[0], rttMs: 0 }]);
    p.window.endProbing();
    p.clock.advance(39);
    expect(sent.map((s) => [s.seq, s.attempt])).toEqual([[seqs[0], 2]]);
    p.clock.advance(1);
    expect(sent.map((s) => [s.seq, s.attempt])).toEqual([
      [seqs[0], 2],
      [seqs[1], 2],
      [seqs[2], 2],
    ]);
    expect(p.window.probing).toBe(false);
  });

  it("a spurious timeout (RFC 5682): an ACK of a frame never resent proves the first transmissions arrived; nothing goes twice", () => {
    const { p, seqs, sent } = timedOut();
    p.window.acknowledge([seqs[0]!], p.refs([seqs[0]!]));
    p.window.endProbing();
    p.clock.advance(10);
    p.window.acknowledge([seqs[1]!], p.refs([seqs[1]!])); // answered on its first transmission
    p.window.endProbing();
    expect(p.window.probing).toBe(false);
    p.clock.advance(999); // seq 3 keeps its first transmission, with a fresh timeout from the proof
    expect(sent.map((s) => [s.seq, s.attempt])).toEqual([[seqs[0], 2]]);
    p.clock.advance(1); // ... and goes again only if that one passes too
    expect(sent.map((s) => [s.seq, s.attempt])).toEqual([
      [seqs[0], 2],
      [seqs[2], 2],
    ]);
  });

  it("a timeout that moved traffic to another path resends nothing on this one", () => {
    const p = linkParts({ paths: ["up", "up"], failAfterMs: [1000, 1000], ackTimeoutMs: 1000 });
    p.prober.reselect(); // primary; its hello is in flight
    const sent = p.record("sent");
    p.clock.advance(1000); // the hello's ACK timeout: primary suspect, traffic to the alternative
    expect(p.prober.activeIndex).toBe(1);
    expect(sent.map((s) => s.path)).toEqual([1]); // only the alternative's hello
  });

  it("acknowledge gives the round-trip time of each frame in flight and ignores seqs it does not hold", () => {
    const p = started();
    const [seq] = p.outbox.enqueueMany([burglary(1)]);
    p.window.fill();
    p.clock.advance(250);
    expect(p.window.acknowledge([seq!, 999], p.refs([seq!, 999]))).toEqual({ answered: [seq], done: [{ seq, rttMs: 250 }] });
    expect(p.window.size).toBe(0);
  });
});

describe("send window: grows during a drain (window-size.ts)", () => {
  it("holds `window` frames until a full round of ACKs shows the rate, then twice as many; a timeout brings it back", () => {
    const p = started(4, 8);
    p.window.endProbing();
    p.outbox.enqueueMany(Array.from({ length: 40 }, (_, i) => burglary(i + 1)));
    const ackAll = () => {
      const seqs = p.carried().slice(-p.window.size).map((f) => f.seq);
      p.window.acknowledge(seqs, p.refs(seqs));
      p.outbox.remove(seqs);
      p.window.fill();
    };
    p.window.fill();
    expect(p.window.size).toBe(4);
    p.clock.advance(2);
    ackAll(); // opens the first round
    expect(p.window.size).toBe(4);
    p.clock.advance(2);
    ackAll(); // a full round: 4 frames in 2 ms
    expect(p.window.limit).toBe(8);
    expect(p.window.size).toBe(8);
    p.clock.advance(1000); // every frame times out: back to one probe, then `window`
    expect(p.window.probing).toBe(true);
    expect(p.window.limit).toBe(4);
  });
});
