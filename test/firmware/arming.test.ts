import { describe, expect, it } from "vitest";
import { Cid } from "../../protocol/index.js";
import { ARM_AWAY, ARM_NIGHT, ARM_STAY, CoreDriver, DISARM, T0, armedAway, testConfig } from "./harness.js";

describe("exit delay (default 30 s)", () => {
  it("is still running at 29,999 ms and arms at 30,000 ms with a 401 closing", () => {
    const d = new CoreDriver();
    d.code(1, ARM_AWAY, 1);
    expect(d.phase()).toBe("exit");
    d.at(T0 + 29_999);
    expect(d.phase()).toBe("exit");
    expect(d.codes()).toEqual([]);
    d.at(T0 + 30_000);
    expect(d.phase()).toBe("armed");
    expect(d.reports()).toEqual([{ code: Cid.OpenClose, q: 3, area: 1, user: 1, at: T0 + 30_000 }]);
  });

  it("an entry zone left open when the exit delay ends starts the entry delay", () => {
    const d = new CoreDriver();
    d.code(1, ARM_AWAY, 1);
    d.zone(1, true); // walking out through the front door
    d.at(T0 + 30_000);
    expect(d.phase()).toBe("entry");
  });
});

describe("arming is refused while a non-bypassed zone is open", () => {
  it("lists the open zones on the keypad and stays disarmed", () => {
    const d = new CoreDriver();
    d.zone(3, true);
    d.zone(4, true);
    const fx = d.code(1, ARM_AWAY, 1);
    expect(d.phase()).toBe("disarmed");
    expect(fx).toContainEqual({ type: "keypad", msg: { kind: "arm-refused", area: 1, open: [3, 4], tampered: [], faults: [] } });
  });

  it("stay mode leaves interior zones out, so an open interior zone does not refuse it", () => {
    const d = new CoreDriver();
    d.zone(4, true);
    d.code(1, ARM_STAY, 1);
    expect(d.phase()).toBe("exit");
    d.at(T0 + 30_000);
    expect(d.codes()).toEqual([`${Cid.ArmedStay}/3`]);
  });

  it("night mode arms interior zones marked night", () => {
    const cfg = testConfig({ zones: [{ zone: 4, type: "instant", pin: 5, areas: [1], interior: true, night: true }] });
    const d = new CoreDriver(cfg);
    d.zone(4, true);
    const fx = d.code(1, ARM_NIGHT, 1);
    expect(fx).toContainEqual({ type: "keypad", msg: { kind: "arm-refused", area: 1, open: [4], tampered: [], faults: [] } });
  });

  it("a force-armable zone open at arming is bypassed with 570 instead", () => {
    const d = new CoreDriver();
    d.zone(10, true);
    d.code(1, ARM_AWAY, 2);
    expect(d.phase(2)).toBe("exit");
    expect(d.reports()).toContainEqual({ code: Cid.Bypass, q: 1, area: 2, zone: 10, at: T0 });
  });
});

describe("bypass by an authorised user (570), cleared at disarm", () => {
  it("lets the area arm with the zone open, and reports 570 restore at disarm", () => {
    const d = new CoreDriver();
    d.zone(3, true);
    d.code(1, { kind: "bypass", zone: 3 });
    expect(d.codes()).toEqual(["570/1"]);
    d.code(1, ARM_AWAY, 1);
    d.at(T0 + 30_000);
    expect(d.phase()).toBe("armed");
    d.code(1, DISARM, 1);
    expect(d.codes()).toEqual(["570/1", "401/3", "570/3", "401/1"]);
    expect(d.state.areas[0]?.bypassed).toEqual([]);
  });

  it("is refused for a user without the bypass permission and for a non-bypassable zone", () => {
    const d = new CoreDriver();
    expect(d.code(2, { kind: "bypass", zone: 3 })).toContainEqual({ type: "keypad", msg: { kind: "not-permitted" } });
    expect(d.code(1, { kind: "bypass", zone: 5 })).toContainEqual({ type: "keypad", msg: { kind: "not-permitted" } });
    expect(d.codes()).toEqual([]);
  });
});

describe("disarm", () => {
  it("an arm-only user can arm but not disarm", () => {
    const d = new CoreDriver();
    d.code(2, ARM_AWAY, 1);
    d.at(T0 + 30_000);
    expect(d.phase()).toBe("armed");
    d.code(2, DISARM, 1);
    expect(d.phase()).toBe("armed");
  });

  it("disarming stay reports 441 opening", () => {
    const d = new CoreDriver();
    d.code(1, ARM_STAY, 1);
    d.at(T0 + 30_000);
    d.clear();
    d.code(1, DISARM, 1);
    expect(d.codes()).toEqual(["441/1"]);
  });

  it("armed LED follows the area", () => {
    const d = armedAway();
    d.code(1, DISARM);
    expect(d.output("armedLed")).toBe(false);
  });
});

describe("disarming during the exit delay cancels the arm", () => {
  it("reports nothing (no closing was reported) and the area is disarmed", () => {
    const d = new CoreDriver();
    d.code(1, ARM_AWAY, 1);
    d.now = T0 + 10_000;
    d.code(1, DISARM, 1);
    expect(d.phase()).toBe("disarmed");
    d.at(T0 + 30_000);
    expect(d.codes()).toEqual([]);
  });
});
