import { describe, expect, it } from "vitest";
import { verifyCode } from "../../firmware/codes/code-hash.js";
import { CoreDriver, armedAway } from "./harness.js";
import { startRig } from "./runtime-harness.js";

describe("keypad user management in a master user's program mode (manage-users), reported as 306", () => {
  it("a master adds, changes and deletes a code at the keypad; each change reports 306 with the affected user", async () => {
    const r = await startRig();
    r.keys("1234 program");
    expect(r.keypad).toContainEqual({ kind: "program", on: true });
    r.keys("7*24680 away");
    const added = r.rt.state.users.find((u) => u.user === 7);
    expect(added).toMatchObject({ areas: [1, 2], perms: ["disarm"] });
    expect(verifyCode("24680", added?.hash ?? "")).toBe(true);
    r.keys("7*13579 stay");
    expect(verifyCode("13579", r.rt.state.users.find((u) => u.user === 7)?.hash ?? "")).toBe(true);
    r.keys("7 off");
    expect(r.rt.state.users.some((u) => u.user === 7)).toBe(false);
    expect(r.events.filter((e) => e.code === 306).map((e) => e.user)).toEqual([7, 7, 7]);
    expect(r.keypad.filter((m) => m.kind === "user-changed")).toEqual([
      { kind: "user-changed", user: 7, op: "add" },
      { kind: "user-changed", user: 7, op: "change" },
      { kind: "user-changed", user: 7, op: "delete" },
    ]);
    r.keys("1234 program");
    expect(r.keypad.at(-1)).toEqual({ kind: "program", on: false });
    // Out of program mode the same keys are an ordinary (here: wrong-code) entry, not a user edit.
    r.keys("7*24680 away");
    expect(r.rt.state.users.some((u) => u.user === 7)).toBe(false);
  });

  it("the remote commands' rules apply: too short, another user's code, an existing or unknown user", async () => {
    const r = await startRig();
    r.keys("1234 program");
    r.keys("7*567 away"); // 3 digits: not even an entry
    expect(r.keypad.at(-1)).toEqual({ kind: "invalid-code" });
    const short = await startRig({ cfg: { ...r.cfg, minCodeLength: 6 } });
    short.keys("1234 program");
    short.keys("7*24680 away");
    expect(short.keypad.at(-1)).toEqual({ kind: "user-refused", user: 7, reason: "code-too-short" });
    r.keys("7*5678 away"); // the cleaner's code
    expect(r.keypad.at(-1)).toEqual({ kind: "user-refused", user: 7, reason: "duplicate-code" });
    r.keys("2*24680 away");
    expect(r.keypad.at(-1)).toEqual({ kind: "user-refused", user: 2, reason: "user-exists" });
    r.keys("8*24680 stay");
    expect(r.keypad.at(-1)).toEqual({ kind: "user-refused", user: 8, reason: "unknown-user" });
    r.keys("1 off");
    expect(r.keypad.at(-1)).toEqual({ kind: "user-refused", user: 1, reason: "self" });
    expect(r.events.filter((e) => e.code === 306)).toEqual([]);
  });

  it("a user without manage-users cannot enter program mode", async () => {
    const r = await startRig();
    r.keys("5678 program");
    expect(r.keypad.at(-1)).toEqual({ kind: "not-permitted" });
    expect(r.rt.state.program).toBeUndefined();
  });

  it("the installer cannot take over or close a master user's program mode", () => {
    const d = new CoreDriver();
    d.code(1, { kind: "authorise-installer" });
    d.code(1, { kind: "program" });
    d.clear();
    expect(d.code(4, { kind: "program" })).toContainEqual({ type: "keypad", msg: { kind: "not-permitted" } });
    expect(d.state.program).toEqual({ user: 1, level: 2 });
    expect(d.codes()).toEqual([]);
  });

  it("an edit outside user program mode is refused by the core", () => {
    const d = new CoreDriver();
    const fx = d.send({ type: "user-edit", edit: { op: "delete", user: 2 } });
    expect(fx).toContainEqual({ type: "keypad", msg: { kind: "not-permitted" } });
    expect(d.state.users.some((u) => u.user === 2)).toBe(true);
  });
});

describe("silent hold-up memory is read only by a master user in program mode after disarm", () => {
  it("the hidden memory appears on the keypad at program-mode entry, not at disarm", () => {
    const d = armedAway();
    d.zone(7, true);
    d.code(1, { kind: "disarm" }, 1);
    d.clear();
    d.code(1, { kind: "program" });
    expect(d.effects).toContainEqual({ type: "keypad", msg: { kind: "memory", area: 1, zones: [7] } });
  });
});
