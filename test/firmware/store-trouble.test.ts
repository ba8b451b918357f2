/**
 * EN 50131-1 8.9 faults: the gateway's outbox cannot store events (disk full). The core reports 354
 * "failure to communicate event" new and restore, shows it on the keypad, the trouble LED and in the
 * heartbeat summary, and counts it among the faults that prevent setting (EN 50131-1 8.3).
 */
import { describe, expect, it } from "vitest";
import type { PanelEffect } from "../../firmware/core/panel-effect.js";
import { summary } from "../../firmware/core/panel-view.js";
import { ARM_AWAY, CoreDriver, testConfig } from "./harness.js";

const ARM_OVERRIDE = { kind: "arm", mode: "away", override: true } as const;
const refusal = (fx: readonly PanelEffect[]) => fx.flatMap((e) => (e.type === "keypad" && e.msg.kind === "arm-refused" ? [e.msg] : []));

describe("event storage trouble (354)", () => {
  it("a refusal reports 354 q1 once, shows on the keypad, the trouble LED and the summary", () => {
    const d = new CoreDriver();
    expect(summary(d.state).troubles).toEqual([]);
    const fx = d.send({ type: "store", ok: false });
    d.send({ type: "store", ok: false });
    expect(d.codes()).toEqual(["354/1"]);
    expect(fx).toContainEqual({ type: "keypad", msg: { kind: "troubles", codes: [354] } });
    expect(d.output("troubleLed")).toBe(true);
    expect(summary(d.state).troubles).toEqual([354]);
  });

  it("storage working again reports 354 q3 once and clears the display", () => {
    const d = new CoreDriver();
    d.send({ type: "store", ok: false });
    d.clear();
    const fx = d.send({ type: "store", ok: true });
    d.send({ type: "store", ok: true });
    expect(d.codes()).toEqual(["354/3"]);
    expect(fx).toContainEqual({ type: "keypad", msg: { kind: "troubles", codes: [] } });
    expect(d.output("troubleLed")).toBe(false);
    expect(summary(d.state).troubles).toEqual([]);
  });

  it("storage that never failed reports nothing when it says it works", () => {
    const d = new CoreDriver();
    d.send({ type: "store", ok: true });
    expect(d.codes()).toEqual([]);
  });

  it("is listed beside the communication trouble when both are present", () => {
    const d = new CoreDriver();
    d.send({ type: "link", up: false });
    d.send({ type: "store", ok: false });
    expect(summary(d.state).troubles).toEqual([350, 354]);
  });
});

describe("EN 50131-1 prevention of setting: the event storage fault", () => {
  it("prevents setting without an override; the keypad names it", () => {
    const d = new CoreDriver();
    d.send({ type: "store", ok: false });
    expect(refusal(d.code(1, ARM_AWAY, 1))).toEqual([{ kind: "arm-refused", area: 1, open: [], tampered: [], faults: ["storeFailed"] }]);
    expect(d.phase()).toBe("disarmed");
  });

  it("a level-2 user with `bypass` overrides it by default: 354 q6 and a log line before the exit delay", () => {
    const d = new CoreDriver();
    d.send({ type: "store", ok: false });
    d.clear();
    d.code(1, ARM_OVERRIDE, 1);
    expect(d.phase()).toBe("exit");
    expect(d.codes()).toEqual(["354/6"]);
    expect(d.effects).toContainEqual({ type: "log", what: "setting with override: fault storeFailed", user: 1, area: 1 });
  });

  it("a user without `bypass` is refused even when asking to override", () => {
    const d = new CoreDriver();
    d.send({ type: "store", ok: false });
    expect(refusal(d.code(2, ARM_OVERRIDE, 1))).toHaveLength(1);
    expect(d.phase()).toBe("disarmed");
  });

  it("override.storeFailed: never refuses everyone", () => {
    const d = new CoreDriver(testConfig({ override: { storeFailed: "never" } }));
    d.send({ type: "store", ok: false });
    expect(refusal(d.code(1, ARM_OVERRIDE, 1))).toHaveLength(1);
    expect(d.phase()).toBe("disarmed");
  });

  it("once storage works again the same user sets without an override", () => {
    const d = new CoreDriver();
    d.send({ type: "store", ok: false });
    d.send({ type: "store", ok: true });
    expect(refusal(d.code(1, ARM_AWAY, 1))).toEqual([]);
    expect(d.phase()).toBe("exit");
  });
});
