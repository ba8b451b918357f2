import { describe, expect, it } from "vitest";
import { Cid } from "../../protocol/index.js";
import { KeypadEntry, keySequence } from "../../firmware/keypad-entry.js";
import { ARM_AWAY, CoreDriver, DISARM, T0, armedAway } from "./harness.js";

describe("EN 50131-1 duress: the function is carried out and 121 is reported silently on every use", () => {
  it("arming with the duress code arms as the normal code would and reports 121", () => {
    const d = new CoreDriver();
    const fx = d.code(3, ARM_AWAY, 1);
    expect(d.phase()).toBe("exit");
    expect(d.reports()).toEqual([{ code: Cid.Duress, q: 1, area: 1, user: 3, at: T0 }]);
    expect(fx.filter((e) => e.type === "keypad")).toEqual([{ type: "keypad", msg: { kind: "exit-delay", area: 1, until: T0 + 30_000 } }]);
  });

  it("disarming an armed area: the opening, then 121", () => {
    const d = armedAway();
    d.code(3, DISARM, 1);
    expect(d.codes()).toEqual(["401/1", "121/1"]);
  });

  it("'disarming' an area that is already disarmed still reports 121 and shows nothing", () => {
    const d = new CoreDriver();
    const fx = d.code(3, DISARM, 1);
    expect(d.codes()).toEqual(["121/1"]);
    expect(fx.filter((e) => e.type === "keypad")).toEqual([]);
  });

  it("any other function (bypass, not permitted for this user) also reports 121", () => {
    const d = new CoreDriver();
    d.code(3, { kind: "bypass", zone: 3 });
    expect(d.codes()).toEqual(["121/1", "121/1"]);
  });

  it("the normal code sends no 121", () => {
    const d = new CoreDriver();
    d.code(1, DISARM, 1);
    d.code(1, ARM_AWAY, 1);
    expect(d.codes()).toEqual([]);
  });
});

describe("EN 50131-1 silent hold-up: nothing at the premises shows it", () => {
  it("reports 122 with no memory LED, no keypad message, no siren; disarm sends no 406 and shows no memory", () => {
    const d = armedAway();
    const fx = d.zone(7, true);
    expect(d.codes()).toEqual(["122/1"]);
    expect(fx.filter((e) => e.type === "keypad" || e.type === "output")).toEqual([]);
    expect(d.state.areas[0]?.memory).toEqual([]);
    const off = d.code(1, DISARM, 1);
    expect(d.codes()).toEqual(["122/1", "401/1"]);
    expect(off.filter((e) => e.type === "keypad")).toEqual([{ type: "keypad", msg: { kind: "disarmed", area: 1 } }]);
    expect(d.state.areas[0]?.hiddenMemory).toEqual([7]);
  });

  it("an audible alarm, by contrast, lights the memory LED", () => {
    const d = armedAway();
    d.zone(3, true);
    expect(d.output("memoryLed")).toBe(true);
  });
});

describe("keypad grammar: CODE * away asks to override", () => {
  it("a trailing * on an arm sets override; on a disarm it is malformed", () => {
    const k = new KeypadEntry();
    const feed = (s: string) => keySequence(s).map((key) => k.press(key)).at(-1);
    expect(feed("1234* away")).toEqual({ kind: "code", code: "1234", action: { kind: "arm", mode: "away", override: true } });
    expect(feed("2*1234* stay")).toEqual({ kind: "code", code: "1234", action: { kind: "arm", mode: "stay", override: true }, area: 2 });
    expect(feed("1234* off")).toEqual({ kind: "malformed" });
    expect(feed("1234 away")).toEqual({ kind: "code", code: "1234", action: { kind: "arm", mode: "away" } });
  });
});
