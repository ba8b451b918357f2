import { describe, expect, it } from "vitest";
import { Cid } from "../../protocol/index.js";
import { nextDeadline } from "../../firmware/core/deadline-rules.js";
import { ARM_AWAY, ARM_STAY, CoreDriver, DISARM, T0, armedAway, testConfig } from "./harness.js";

const ARMED_AT = T0 + 30_000;

describe("entry delay (default 30 s)", () => {
  it("opening the entry door starts it; the alarm comes at 30,000 ms, not at 29,999 ms", () => {
    const d = armedAway();
    d.zone(1, true);
    expect(d.phase()).toBe("entry");
    d.at(ARMED_AT + 29_999);
    expect(d.codes()).toEqual([]);
    expect(d.output("siren")).toBeUndefined();
    d.at(ARMED_AT + 30_000);
    expect(d.reports()).toEqual([{ code: Cid.EntryExit, q: 1, area: 1, zone: 1, at: ARMED_AT + 30_000 }]);
    expect(d.output("siren")).toBe(true);
  });

  it("a valid code within the entry delay disarms with a 401 opening and no alarm", () => {
    const d = armedAway();
    d.zone(1, true);
    d.now = ARMED_AT + 29_999;
    d.code(1, DISARM, 1);
    expect(d.codes()).toEqual(["401/1"]);
    expect(nextDeadline(d.state)).toBeGreaterThan(ARMED_AT + 30_000);
  });

  it("an entry delay above 45 s is refused at config, naming the field", () => {
    expect(() => testConfig({ timing: { entryDelayMs: 45_001 } })).toThrow(/timing\.entryDelayMs/);
    expect(testConfig({ timing: { entryDelayMs: 45_000 } }).timing.entryDelayMs).toBe(45_000);
  });
});

describe("follower zones are delayed only while an entry delay runs", () => {
  it("follower during entry delay: no alarm", () => {
    const d = armedAway();
    d.zone(1, true);
    d.zone(2, true);
    expect(d.codes()).toEqual([]);
  });

  it("follower without an entry delay: instant alarm (132)", () => {
    const d = armedAway();
    d.zone(2, true);
    expect(d.codes()).toEqual(["132/1"]);
  });

  it("an instant zone during the entry delay sounds at once", () => {
    const d = armedAway();
    d.zone(1, true);
    d.zone(3, true);
    expect(d.output("siren")).toBe(true);
  });
});

describe("EN 50131-1: an alarm during unsetting is notified only after the entry time and 30 s of siren", () => {
  it("not notified at 29,999 ms of siren (entry time already over), notified at 30,000 ms", () => {
    const d = armedAway();
    d.zone(1, true); // entry delay until ARMED_AT + 30 s
    d.now = ARMED_AT + 20_000;
    d.zone(3, true); // siren from here; due = max(entry end, +30 s) = ARMED_AT + 50 s
    d.at(ARMED_AT + 30_000); // entry time over: the entry zone alarms (134) at once
    d.at(ARMED_AT + 49_999);
    expect(d.codes()).toEqual(["134/1"]);
    d.at(ARMED_AT + 50_000);
    expect(d.codes()).toEqual(["134/1", "130/1"]);
  });

  it("waits for the entry timer when that ends later than 30 s of siren", () => {
    const d = new CoreDriver(testConfig({ timing: { entryDelayMs: 45_000 } }));
    d.code(1, ARM_AWAY, 1);
    d.at(ARMED_AT);
    d.zone(1, true); // entry until ARMED_AT + 45 s
    d.zone(3, true);
    d.clear();
    d.at(ARMED_AT + 44_999);
    expect(d.codes()).toEqual([]);
    d.at(ARMED_AT + 45_000);
    expect(d.codes()).toEqual(["134/1", "130/1"]);
  });

  it("a disarm before then keeps it local: no 130, no 406, but the memory shows the zone", () => {
    const d = armedAway();
    d.zone(1, true);
    d.zone(3, true);
    d.zone(3, false);
    d.now = ARMED_AT + 29_999;
    const fx = d.code(1, DISARM);
    expect(d.codes()).toEqual(["401/1"]);
    expect(fx).toContainEqual({ type: "keypad", msg: { kind: "memory", area: 1, zones: [3] } });
    d.at(ARMED_AT + 60_000);
    expect(d.codes()).toEqual(["401/1"]);
  });

  it("a zone that closed before the deferred report reports its restore right after it", () => {
    const d = armedAway();
    d.zone(1, true);
    d.zone(3, true);
    d.zone(3, false);
    d.at(ARMED_AT + 30_000);
    expect(d.codes()).toEqual(["134/1", "130/1", "130/3"]);
  });

  it("unsetDeferralMs 0 notifies at once", () => {
    const d = armedAway(testConfig({ timing: { unsetDeferralMs: 0 } }));
    d.zone(1, true);
    d.zone(3, true);
    expect(d.codes()).toEqual(["130/1"]);
  });
});

describe("stay mode excludes interior zones", () => {
  it("interior PIR does nothing in stay, perimeter window alarms", () => {
    const d = new CoreDriver();
    d.code(1, ARM_STAY, 1);
    d.at(ARMED_AT);
    d.clear();
    d.zone(4, true);
    expect(d.codes()).toEqual([]);
    d.zone(3, true);
    expect(d.codes()).toEqual(["130/1"]);
  });
});

describe("siren time limit (default 3 min, at most 15 min)", () => {
  it("sounds at 179,999 ms and stops at 180,000 ms; the strobe stays until disarm", () => {
    const d = armedAway();
    d.now = ARMED_AT + 1_000;
    d.zone(3, true);
    const start = d.now;
    expect(d.output("siren")).toBe(true);
    d.at(start + 179_999);
    expect(d.output("siren")).toBe(true);
    d.at(start + 180_000);
    expect(d.output("siren")).toBe(false);
    expect(d.output("strobe")).toBe(true);
    d.code(1, DISARM);
    expect(d.output("strobe")).toBe(false);
  });

  it("a limit above 15 min is refused at config", () => {
    expect(() => testConfig({ timing: { sirenLimitMs: 900_001 } })).toThrow(/timing\.sirenLimitMs/);
  });
});

describe("swinger shutdown after the configured trips per armed period", () => {
  it("the fourth trip of a zone is not reported with swingerLimit 3; a new armed period resets it", () => {
    const d = armedAway();
    for (let i = 0; i < 4; i++) {
      d.zone(3, true);
      d.zone(3, false);
    }
    expect(d.codes().filter((c) => c === "130/1")).toHaveLength(3);
    d.code(1, DISARM);
    d.code(1, ARM_AWAY, 1);
    d.at(d.now + 30_000);
    d.clear();
    d.zone(3, true);
    expect(d.codes()).toEqual(["130/1"]);
  });
});

describe("alarm memory, restore and cancel", () => {
  it("restore (q=3) when the zone closes; disarm after an alarm reports 406 and shows the memory", () => {
    const d = armedAway();
    d.zone(3, true);
    d.zone(3, false);
    const fx = d.code(1, DISARM);
    expect(d.codes()).toEqual(["130/1", "130/3", "401/1", "406/1"]);
    expect(fx).toContainEqual({ type: "keypad", msg: { kind: "memory", area: 1, zones: [3] } });
    expect(d.output("memoryLed")).toBe(true);
  });

  it("no 406 when nothing alarmed", () => {
    const d = armedAway();
    d.code(1, DISARM);
    expect(d.codes()).toEqual(["401/1"]);
  });

  it("the memory is cleared at the next arming", () => {
    const d = armedAway();
    d.zone(3, true);
    d.zone(3, false);
    d.code(1, DISARM);
    d.code(1, ARM_AWAY, 1);
    expect(d.state.areas[0]?.memory).toEqual([]);
  });
});

describe("24 h, fire, hold-up, tamper and technical zones", () => {
  it("24 h burglary alarms while disarmed (133) and sounds; a user disarm silences it with 406", () => {
    const d = new CoreDriver();
    d.zone(5, true);
    expect(d.codes()).toEqual(["133/1"]);
    expect(d.output("siren")).toBe(true);
    d.code(1, DISARM, 1);
    expect(d.output("siren")).toBe(false);
    expect(d.codes()).toEqual(["133/1", "406/1"]);
  });

  it("fire reports 110 and sounds whatever the mode", () => {
    const d = new CoreDriver();
    d.zone(6, true);
    expect(d.codes()).toEqual(["110/1"]);
    expect(d.output("siren")).toBe(true);
  });

  it("silent hold-up reports 122 and never sounds", () => {
    const d = armedAway();
    d.zone(7, true);
    expect(d.codes()).toEqual(["122/1"]);
    expect(d.output("siren")).toBeUndefined();
    expect(d.output("strobe")).toBeUndefined();
  });

  it("audible hold-up reports 123 and sounds", () => {
    const d = new CoreDriver(testConfig({ zones: [{ zone: 7, type: "panic", pin: 8, areas: [1] }] }));
    d.zone(7, true);
    expect(d.codes()).toEqual(["123/1"]);
    expect(d.output("siren")).toBe(true);
  });

  it("box tamper reports 137 when disarmed without sounding, and is a trouble until restored", () => {
    const d = new CoreDriver();
    d.zone(8, true);
    expect(d.codes()).toEqual(["137/1"]);
    expect(d.output("siren")).toBeUndefined();
    expect(d.output("troubleLed")).toBe(true);
    d.zone(8, false);
    expect(d.codes()).toEqual(["137/1", "137/3"]);
  });

  it("sensor tamper (144) on an armed area sounds", () => {
    const d = armedAway();
    d.send({ type: "tamper", zone: 3, active: true });
    expect(d.codes()).toEqual(["144/1"]);
    expect(d.output("siren")).toBe(true);
    d.send({ type: "tamper", zone: 3, active: false });
    expect(d.codes()).toEqual(["144/1", "144/3"]);
  });

  it("technical (water) reports 150 without a siren", () => {
    const d = new CoreDriver();
    d.zone(9, true);
    expect(d.codes()).toEqual(["150/1"]);
    expect(d.output("siren")).toBeUndefined();
  });

  it("keypad panic reports 120 on zone 0", () => {
    const d = new CoreDriver();
    d.send({ type: "keypad-alarm", kind: "panic" });
    expect(d.reports()[0]).toEqual({ code: Cid.Panic, q: 1, area: 1, zone: 0, at: T0 });
  });

  it("chime on a chime zone while disarmed, nothing reported", () => {
    const d = new CoreDriver();
    expect(d.zone(1, true)).toContainEqual({ type: "keypad", msg: { kind: "chime", zone: 1 } });
    expect(d.codes()).toEqual([]);
  });
});
