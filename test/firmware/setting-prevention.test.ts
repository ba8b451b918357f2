import { describe, expect, it } from "vitest";
import { Cid, Qualifier } from "../../protocol/index.js";
import type { PanelEffect } from "../../firmware/core/panel-effect.js";
import { ARM_AWAY, CoreDriver, DISARM, T0, testConfig } from "./harness.js";

const ARM_OVERRIDE = { kind: "arm", mode: "away", override: true } as const;
const refusal = (fx: readonly PanelEffect[]) => fx.flatMap((e) => (e.type === "keypad" && e.msg.kind === "arm-refused" ? [e.msg] : []));

describe("EN 50131-1 prevention of setting: an open zone of any kind prevents setting", () => {
  it.each([
    [5, "24 h (a safe contact)"],
    [6, "fire"],
    [7, "hold-up"],
    [9, "technical"],
  ])("open zone %i (%s): the arm is refused, no exit delay, no 401, the keypad names the zone", (zone) => {
    const d = new CoreDriver();
    d.zone(zone, true);
    d.clear();
    const fx = d.code(1, ARM_AWAY, 1);
    expect(d.phase()).toBe("disarmed");
    expect(refusal(fx)).toEqual([{ kind: "arm-refused", area: 1, open: [zone], tampered: [], faults: [] }]);
    d.at(T0 + 60_000);
    expect(d.codes().filter((c) => c.startsWith("401"))).toEqual([]);
  });

  it("the same zone closed again: the arm goes ahead", () => {
    const d = new CoreDriver();
    d.zone(5, true);
    d.zone(5, false);
    d.code(1, DISARM, 1); // silence the 24 h alarm
    d.code(1, ARM_AWAY, 1);
    expect(d.phase()).toBe("exit");
  });

  it("an open zone is never overridden, even by a user who may override (it must be bypassed)", () => {
    const d = new CoreDriver();
    d.zone(3, true);
    expect(refusal(d.code(1, ARM_OVERRIDE, 1))).toEqual([{ kind: "arm-refused", area: 1, open: [3], tampered: [], faults: [] }]);
    expect(d.phase()).toBe("disarmed");
  });
});

describe("EN 50131-1 prevention of setting: tampers", () => {
  it("an open box tamper prevents setting, also with an override by a level-2 user (grade 2 default: installer only)", () => {
    const d = new CoreDriver();
    d.zone(8, true);
    expect(refusal(d.code(1, ARM_AWAY, 1))).toEqual([{ kind: "arm-refused", area: 1, open: [], tampered: [8], faults: [] }]);
    expect(refusal(d.code(1, ARM_OVERRIDE, 1))).toHaveLength(1);
    expect(d.phase()).toBe("disarmed");
  });

  it("an active sensor tamper prevents setting and is named", () => {
    const d = new CoreDriver();
    d.send({ type: "tamper", zone: 3, active: true });
    expect(refusal(d.code(1, ARM_AWAY, 1))).toEqual([{ kind: "arm-refused", area: 1, open: [], tampered: [3], faults: [] }]);
    d.send({ type: "tamper", zone: 3, active: false });
    d.code(1, ARM_AWAY, 1);
    expect(d.phase()).toBe("exit");
  });

  it("with override.tamper: 2, a user holding `bypass` overrides it: 144 q6 reported before the closing", () => {
    const d = new CoreDriver(testConfig({ override: { tamper: 2 } }));
    d.send({ type: "tamper", zone: 3, active: true });
    d.clear();
    d.code(1, ARM_OVERRIDE, 1);
    expect(d.phase()).toBe("exit");
    d.at(T0 + 30_000);
    expect(d.reports().map((e) => [e.code, e.q, e.zone])).toEqual([
      [Cid.SensorTamper, Qualifier.StillPresent, 3],
      [Cid.OpenClose, Qualifier.Restore, undefined],
    ]);
    expect(d.effects).toContainEqual({ type: "log", what: "setting with override: tamper on zone 3", user: 1, area: 1, zone: 3 });
  });

  it("with override.tamper: 2, a user without `bypass` may not override it", () => {
    const d = new CoreDriver(testConfig({ override: { tamper: 2 } }));
    d.send({ type: "tamper", zone: 3, active: true });
    expect(refusal(d.code(2, ARM_OVERRIDE, 1))).toHaveLength(1);
    expect(d.phase()).toBe("disarmed");
  });
});

describe("EN 50131-1 prevention of setting: faults", () => {
  it("AC loss and low battery prevent setting without an acknowledgement; the keypad names both", () => {
    const d = new CoreDriver();
    d.send({ type: "ac", ok: false });
    d.send({ type: "battery", low: true });
    expect(refusal(d.code(1, ARM_AWAY, 1))).toEqual([{ kind: "arm-refused", area: 1, open: [], tampered: [], faults: ["acLost", "batteryLow"] }]);
    expect(d.phase()).toBe("disarmed");
  });

  it("a user with the override right (level 2, `bypass`) overrides them: 301 q6 and 302 q6, logged, then the closing", () => {
    const d = new CoreDriver();
    d.send({ type: "ac", ok: false });
    d.send({ type: "battery", low: true });
    d.clear();
    d.code(1, ARM_OVERRIDE, 1);
    expect(d.phase()).toBe("exit");
    expect(d.codes()).toEqual(["301/6", "302/6"]);
    expect(d.effects.filter((e) => e.type === "log").map((e) => (e as { what: string }).what)).toEqual([
      "setting with override: fault acLost",
      "setting with override: fault batteryLow",
    ]);
  });

  it("a user without the override right (no `bypass`) is refused even when asking to override", () => {
    const d = new CoreDriver();
    d.send({ type: "ac", ok: false });
    expect(refusal(d.code(2, ARM_OVERRIDE, 1))).toEqual([{ kind: "arm-refused", area: 1, open: [], tampered: [], faults: ["acLost"] }]);
    expect(d.phase()).toBe("disarmed");
  });

  it("a condition the config does not allow to override (`never`) is refused for everyone", () => {
    const d = new CoreDriver(testConfig({ override: { linkDown: "never" } }));
    d.send({ type: "link", up: false });
    expect(refusal(d.code(1, ARM_OVERRIDE, 1))).toHaveLength(1);
    expect(d.phase()).toBe("disarmed");
  });

  it("a remote arm is never an override: a fault gives setting-prevented, an open zone open-zones", () => {
    const d = new CoreDriver();
    d.send({ type: "ac", ok: false });
    const r1 = d.send({ type: "remote", cmd: { id: "a", exp: T0 + 1, type: "arm", area: 1, mode: "away" } });
    expect(r1).toContainEqual({ type: "result", result: { id: "a", ok: false, error: "setting-prevented" } });
    d.zone(3, true);
    const r2 = d.send({ type: "remote", cmd: { id: "b", exp: T0 + 1, type: "arm", area: 1, mode: "away" } });
    expect(r2).toContainEqual({ type: "result", result: { id: "b", ok: false, error: "open-zones" } });
  });
});

describe("setting does not clear the alarm memory while the siren still sounds", () => {
  it("memory kept while sounding, cleared by a later setting once the siren has stopped", () => {
    const d = new CoreDriver(testConfig({ override: { tamper: 2 } }));
    d.zone(5, true); // 24 h alarm, siren sounds
    d.zone(5, false);
    d.code(1, ARM_AWAY, 1);
    expect(d.phase()).toBe("exit");
    expect(d.state.areas[0]?.memory).toEqual([5]);
    d.code(1, DISARM, 1);
    d.at(T0 + d.state.cfg.timing.sirenLimitMs);
    d.code(1, ARM_AWAY, 1);
    expect(d.state.areas[0]?.memory).toEqual([]);
  });
});
