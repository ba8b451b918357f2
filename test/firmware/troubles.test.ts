import { describe, expect, it } from "vitest";
import { summary } from "../../firmware/core/panel-view.js";
import { CoreDriver, T0, armedAway } from "./harness.js";

describe("troubles: AC loss 301, low battery 302, communication 350", () => {
  it("each reports new (q=1) and restore (q=3) once, and shows in the summary while present", () => {
    const d = new CoreDriver();
    d.send({ type: "ac", ok: false });
    d.send({ type: "ac", ok: false });
    d.send({ type: "battery", low: true });
    d.send({ type: "link", up: false });
    expect(d.codes()).toEqual(["301/1", "302/1", "350/1"]);
    expect(summary(d.state).troubles).toEqual([301, 302, 350]);
    expect(d.output("troubleLed")).toBe(true);
    d.send({ type: "ac", ok: true });
    d.send({ type: "battery", low: false });
    d.send({ type: "link", up: true });
    expect(d.codes().slice(3)).toEqual(["301/3", "302/3", "350/3"]);
    expect(summary(d.state).troubles).toEqual([]);
  });

  it("the keypad shows communication trouble from the gateway's link-down", () => {
    const d = new CoreDriver();
    expect(d.send({ type: "link", up: false })).toContainEqual({ type: "keypad", msg: { kind: "troubles", codes: [350] } });
  });
});

describe("periodic test (602; 608 when a trouble is present)", () => {
  it("is sent at 24 h, not a millisecond before", () => {
    const d = new CoreDriver();
    d.at(T0 + 86_399_999);
    expect(d.codes()).toEqual([]);
    d.at(T0 + 86_400_000);
    expect(d.codes()).toEqual(["602/1"]);
  });

  it("is 608 while AC is lost", () => {
    const d = new CoreDriver();
    d.send({ type: "ac", ok: false });
    d.at(T0 + 86_400_000);
    expect(d.codes()).toEqual(["301/1", "608/1"]);
  });
});

describe("walk test (607): every activation reported as a test, no siren", () => {
  it("reports 607 per activation while armed, until the test ends", () => {
    const d = armedAway();
    const now = d.now;
    d.send({ type: "remote", cmd: { id: "t", exp: now + 1_000, type: "test-start", until: now + 60_000 } });
    d.zone(3, true);
    d.zone(3, false);
    d.zone(6, true);
    expect(d.codes()).toEqual(["607/1", "607/1"]);
    expect(d.output("siren")).toBeUndefined();
    d.zone(6, false);
    d.at(now + 60_000);
    d.clear();
    d.zone(3, true);
    expect(d.codes()).toEqual(["130/1"]);
  });
});
