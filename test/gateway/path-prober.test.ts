import { describe, expect, it } from "vitest";
import { linkParts } from "./link-parts.js";
import { burglary } from "./burglary.js";

const NEVER = 1e12;

describe("path choice (EN 50136-1 dual path: the primary whenever it is up and healthy)", () => {
  it("primary up: chosen; primary down: the alternative; none up: no path", () => {
    const p = linkParts({ paths: ["up", "up"], ackTimeoutMs: NEVER });
    const path = p.record("path");
    p.prober.reselect();
    expect(p.prober.activeIndex).toBe(0);
    p.paths[0]!.state = "waiting";
    p.prober.reselect();
    expect(p.prober.activeIndex).toBe(1);
    p.paths[1]!.state = "waiting";
    p.prober.reselect();
    expect(path).toEqual([{ path: 0 }, { path: 1 }, { path: undefined }]);
    expect(p.prober.holdsTraffic()).toBe(true);
  });

  it("going back to the primary waits until the frames in flight on the alternative are acknowledged", () => {
    const p = linkParts({ paths: ["waiting", "up"], ackTimeoutMs: NEVER });
    p.prober.reselect();
    const hello = p.carried(1)[0]!.seq;
    p.paths[0]!.state = "up";
    p.prober.reselect();
    expect(p.prober.activeIndex).toBe(1); // the hello is still in flight on the alternative
    expect(p.prober.holdsTraffic()).toBe(true);
    p.window.acknowledge([hello], p.refs([hello]));
    expect(p.prober.holdsTraffic()).toBe(true); // switches now, and sends the primary's hello
    expect(p.prober.activeIndex).toBe(0);
    expect(p.carried(0)).toHaveLength(1);
  });
});

describe("the hello after a (re)connect", () => {
  it("a fresh heartbeat goes first; nothing from the outbox until it is acknowledged", () => {
    const p = linkParts({ ackTimeoutMs: NEVER });
    p.outbox.enqueueMany([burglary(1)]);
    p.prober.reselect();
    const [hello] = p.carried();
    expect(hello && "heartbeat" in hello).toBe(true);
    p.pump();
    expect(p.carried()).toHaveLength(1);
    p.prober.helloAcked([hello!.seq + 1]); // an ACK for something else does not answer it
    expect(p.prober.holdsTraffic()).toBe(true);
    p.window.acknowledge([hello!.seq], p.refs([hello!.seq]));
    p.prober.helloAcked([hello!.seq]);
    expect(p.prober.holdsTraffic()).toBe(false);
    p.pump();
    expect(p.carried()).toHaveLength(2);
  });

  it("a hello refused for good was still answered: the path works and the window opens", () => {
    const p = linkParts({ ackTimeoutMs: NEVER });
    p.prober.reselect();
    const hello = p.carried()[0]!.seq;
    p.prober.refused(hello + 1);
    expect(p.prober.holdsTraffic()).toBe(true);
    p.prober.refused(hello);
    expect(p.prober.holdsTraffic()).toBe(false);
    expect(p.window.probing).toBe(false);
  });
});

describe("path health: no ACK for half the reporting time makes a path suspect (only with another path up)", () => {
  it("not suspect at 44,999 ms, suspect at 45,000 ms; traffic moves; the first ACK over it brings traffic back", () => {
    const p = linkParts({ paths: ["up", "up"], failAfterMs: [45_000, 45_000], ackTimeoutMs: NEVER });
    const health = p.record("pathHealth");
    p.prober.reselect();
    p.clock.advance(44_999);
    expect(p.prober.checkHealth()).toBe(false);
    p.clock.advance(1);
    expect(p.prober.checkHealth()).toBe(true);
    expect(p.prober.activeIndex).toBe(1);
    p.prober.acked(0);
    expect(health).toEqual([
      { path: 0, ok: false },
      { path: 0, ok: true },
    ]);
  });

  it("with no other path up, a silent path is never made suspect (the frames just keep retrying)", () => {
    const p = linkParts({ paths: ["up", "waiting"], failAfterMs: [45_000, 45_000], ackTimeoutMs: NEVER });
    p.prober.reselect();
    p.clock.advance(10 * 45_000);
    expect(p.prober.checkHealth()).toBe(false);
    expect(p.prober.activeIndex).toBe(0);
  });

  it("an ACK on the active path restarts the wait", () => {
    const p = linkParts({ paths: ["up", "up"], failAfterMs: [45_000, 45_000], ackTimeoutMs: NEVER });
    p.prober.reselect();
    const hello = p.carried()[0]!.seq;
    p.clock.advance(30_000);
    p.prober.acked(0);
    p.window.acknowledge([hello], p.refs([hello]));
    p.outbox.enqueueMany([burglary(1)]);
    p.prober.helloAcked([hello]);
    p.pump();
    p.clock.advance(44_999);
    expect(p.prober.checkHealth()).toBe(false);
    p.clock.advance(1);
    expect(p.prober.checkHealth()).toBe(true);
  });
});
