/** The gateway's tracing hook (protocol/trace.ts): each stage of a frame's way, once, in order; silent when absent. */
import { describe, expect, it } from "vitest";
import { Cid, Qualifier, type TraceStage } from "../../protocol/index.js";
import { harness, PANEL } from "./sim-harness.js";

describe("gateway trace hook", () => {
  it("names the stages of a reported event in order, each once, with the panel and the event's seq", async () => {
    const marks: [TraceStage, string, number, bigint | undefined][] = [];
    const h = harness({ overrides: { trace: (stage, panel, seq, at) => marks.push([stage, panel, seq, at]) } });
    await h.gw.start();
    h.clock.advance(5); // the hello is acknowledged
    marks.length = 0;
    const seq = h.gw.report({ code: Cid.Burglary, q: Qualifier.New, area: 1, zone: 2, at: 1_700_000_000_000 });
    h.clock.advance(2); // one millisecond to the centre, one back
    expect(marks.map(([stage, panel, s]) => [stage, panel, s])).toEqual(
      (["reported", "outbox-committed", "signed", "published", "ack-received"] as const).map((stage) => [stage, PANEL, seq]),
    );
    // Only "reported" is handed its time (taken on entry, before the seq existed).
    expect(marks.map(([, , , at]) => typeof at)).toEqual(["bigint", "undefined", "undefined", "undefined", "undefined"]);
    expect(h.gw.depth().total).toBe(0);
    await h.gw.stop();
  });

  it("without a hook the same flow runs and delivers", async () => {
    const h = harness();
    await h.gw.start();
    h.clock.advance(5);
    h.gw.report({ code: Cid.Burglary, q: Qualifier.New, area: 1, zone: 2, at: 1_700_000_000_000 });
    h.clock.advance(2);
    expect(h.gw.depth().total).toBe(0);
    expect(h.centre.events(PANEL).map((e) => e.zone)).toEqual([2]);
    await h.gw.stop();
  });
});
