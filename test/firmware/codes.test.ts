import { describe, expect, it } from "vitest";
import { Cid } from "../../protocol/index.js";
import { ARM_AWAY, CoreDriver, DISARM, T0, armedAway, testConfig } from "./harness.js";

function wrong(d: CoreDriver, n: number): void {
  for (let i = 0; i < n; i++) d.code(null, DISARM);
}

describe("EN 50131-1 wrong-code lockout, grade 2: 10 invalid codes lock the keypad for 90 s", () => {
  it("9 invalid codes do not lock; the 10th locks and reports 461", () => {
    const d = new CoreDriver();
    wrong(d, 9);
    expect(d.codes()).toEqual([]);
    wrong(d, 1);
    expect(d.reports()).toEqual([{ code: Cid.WrongCode, q: 1, area: 0, at: T0 }]);
  });

  it("is still locked at 89,999 ms (a valid code is ignored) and open at 90,000 ms", () => {
    const d = new CoreDriver();
    wrong(d, 10);
    d.at(T0 + 89_999);
    const fx = d.code(1, ARM_AWAY, 1);
    expect(fx).toContainEqual({ type: "keypad", msg: { kind: "locked", until: T0 + 90_000 } });
    expect(d.phase()).toBe("disarmed");
    d.at(T0 + 90_000);
    d.code(1, ARM_AWAY, 1);
    expect(d.phase()).toBe("exit");
  });

  it("codes entered during the lockout do not count", () => {
    const d = new CoreDriver();
    wrong(d, 10);
    wrong(d, 5);
    d.at(T0 + 90_000);
    d.clear();
    wrong(d, 9);
    expect(d.codes()).toEqual([]);
  });

  it("grade 2 starts counting afresh after a lockout: another 10 are needed", () => {
    const d = new CoreDriver();
    wrong(d, 10);
    d.at(T0 + 90_000);
    d.clear();
    wrong(d, 1);
    expect(d.codes()).toEqual([]);
    wrong(d, 9);
    expect(d.codes()).toEqual(["461/1"]);
  });

  it("a valid code resets the count", () => {
    const d = new CoreDriver();
    wrong(d, 9);
    d.code(1, ARM_AWAY, 1);
    wrong(d, 9);
    expect(d.codes().filter((c) => c === "461/1")).toEqual([]);
  });
});

describe("EN 50131-1 wrong-code lockout, grade 3: locked again after each further invalid code", () => {
  it("the 11th invalid code after the first lockout locks again and reports 461", () => {
    const d = new CoreDriver(testConfig({ grade: 3 }));
    wrong(d, 10);
    d.at(T0 + 90_000);
    d.clear();
    wrong(d, 1);
    expect(d.codes()).toEqual(["461/1"]);
    expect(d.state.wrongCodes.lockedUntil).toBe(T0 + 180_000);
  });

  it("a valid code after the lockout resets the count", () => {
    const d = new CoreDriver(testConfig({ grade: 3 }));
    wrong(d, 10);
    d.at(T0 + 90_000);
    d.code(1, ARM_AWAY, 1);
    d.clear();
    wrong(d, 1);
    expect(d.codes()).toEqual([]);
  });
});

describe("a code acts only on the user's own areas", () => {
  it("the cleaner (area 1) cannot arm area 2", () => {
    const d = new CoreDriver();
    expect(d.code(2, ARM_AWAY, 2)).toContainEqual({ type: "keypad", msg: { kind: "not-permitted" } });
    expect(d.phase(2)).toBe("disarmed");
  });
});

describe("duress code: disarms and sends a silent 121", () => {
  it("reports the opening and 121 for the duress user, with nothing on the keypad to give it away", () => {
    const d = armedAway();
    const fx = d.code(3, DISARM, 1);
    expect(d.phase()).toBe("disarmed");
    expect(d.codes()).toEqual(["401/1", "121/1"]);
    expect(d.reports()[1]?.user).toBe(3);
    expect(fx.filter((e) => e.type === "keypad")).toEqual([{ type: "keypad", msg: { kind: "disarmed", area: 1 } }]);
  });
});

describe("technician codes: valid once, and only in their time window", () => {
  it("refused before validFrom and from validUntil on (counted as wrong codes)", () => {
    const d = new CoreDriver(undefined, T0 - 1);
    d.code(5, ARM_AWAY, 1);
    expect(d.phase()).toBe("disarmed");
    expect(d.state.wrongCodes.count).toBe(1);
    d.now = T0 + 3_600_000;
    d.code(5, ARM_AWAY, 1);
    expect(d.phase()).toBe("disarmed");
  });

  it("works once inside the window, then no more", () => {
    const d = new CoreDriver();
    d.now = T0 + 3_599_999;
    d.code(5, ARM_AWAY, 1);
    expect(d.phase()).toBe("exit");
    d.code(5, DISARM, 1);
    expect(d.phase()).toBe("exit");
    expect(d.state.wrongCodes.count).toBe(1);
  });
});

describe("installer access (level 3) only after a user authorises it", () => {
  it("is refused without authorisation, allowed within the window (627/628), refused after it", () => {
    const d = new CoreDriver();
    expect(d.code(4, { kind: "program" })).toContainEqual({ type: "keypad", msg: { kind: "not-permitted" } });
    d.code(1, { kind: "authorise-installer" });
    d.code(4, { kind: "program" });
    d.code(4, { kind: "program" });
    expect(d.codes()).toEqual(["627/1", "628/1"]);
    d.at(T0 + 3_599_999);
    d.clear();
    d.code(4, { kind: "program" });
    expect(d.codes()).toEqual(["627/1"]);
    d.at(T0 + 3_600_000);
    d.clear();
    d.code(4, { kind: "program" });
    expect(d.codes()).toEqual([]);
  });

  it("an installer code cannot disarm", () => {
    const d = armedAway();
    d.code(1, { kind: "authorise-installer" });
    d.code(4, DISARM);
    expect(d.phase()).toBe("armed");
  });
});
