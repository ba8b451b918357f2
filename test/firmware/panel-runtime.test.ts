import { describe, expect, it } from "vitest";
import { FirmwareError } from "../../firmware/firmware-error.js";
import type { RuntimeInput } from "../../firmware/runtime-input.js";
import type { Command } from "../../protocol/index.js";
import { T0, testConfig } from "./harness.js";
import { FakeClock } from "../../protocol/clock.js";
import { PanelRuntime } from "../../firmware/panel-runtime.js";
import { MemoryStore } from "../../firmware/store/memory-store.js";
import { SimIO } from "../../simulator/board/sim-io.js";
import { secureLevels, startRig } from "./runtime-harness.js";

describe("PanelRuntime on johnny-five with the simulated IO plugin", () => {
  it("boots: reports 305 synchronously to the reporter and publishes a state", async () => {
    const r = await startRig();
    expect(r.codes()).toEqual(["305/1"]);
    expect(r.rt.summary()).toEqual({ areas: [{ area: 1, mode: "disarmed" }, { area: 2, mode: "disarmed" }], troubles: [] });
  });

  it("keypad: code + away arms after the exit delay; the summary then says away", async () => {
    const r = await startRig();
    r.keys("1234 away");
    r.clock.advanceTo(T0 + 30_000);
    expect(r.rt.summary().areas).toEqual([{ area: 1, mode: "away" }, { area: 2, mode: "away" }]);
    expect(r.codes()).toEqual(["305/1", "401/3", "401/3"]);
  });

  it("keypad: AREA * CODE arms only that area; a wrong code is told on the keypad", async () => {
    const r = await startRig();
    r.keys("2*1234 stay");
    r.keys("0000 off");
    r.clock.advanceTo(T0 + 30_000);
    expect(r.rt.summary().areas).toEqual([{ area: 1, mode: "disarmed" }, { area: 2, mode: "stay" }]);
    expect(r.keypad).toContainEqual({ kind: "invalid-code" });
  });

  it("zone debounce: a change is taken at 50 ms of stability, not at 49 ms; a bounce is ignored", async () => {
    const r = await startRig();
    r.keys("1234 away");
    r.clock.advanceTo(T0 + 30_000);
    r.wire(3, true);
    r.clock.advance(10);
    r.wire(3, false); // bounce
    r.clock.advance(100);
    expect(r.codes()).not.toContain("130/1");
    r.wire(3, true);
    r.clock.advance(49);
    expect(r.codes()).not.toContain("130/1");
    r.clock.advance(1);
    expect(r.codes()).toContain("130/1");
  });

  it("NC and NO wiring: NC is violated when its contact opens (HIGH), NO when it closes (LOW)", async () => {
    const r = await startRig();
    r.io.setLevel(2, 1); // zone 1, NC: contact open
    r.io.setLevel(11, 0); // zone 10, NO: contact closed
    r.clock.advance(50);
    expect(r.rt.state.zones.filter((z) => z.active).map((z) => z.zone)).toEqual([1, 10]);
  });

  it("the siren and strobe outputs drive their pins; the siren pin drops at the time limit", async () => {
    const r = await startRig();
    r.wire(6, true); // fire
    r.clock.advance(50);
    expect([r.io.level(20), r.io.level(21)]).toEqual([1, 1]);
    r.clock.advance(179_999);
    expect(r.io.level(20)).toBe(1);
    r.clock.advance(1);
    expect(r.io.level(20)).toBe(0);
  });

  it("link down from the gateway: 350 reported and in the summary's troubles", async () => {
    const r = await startRig();
    r.rt.input({ type: "link", up: false });
    expect(r.codes()).toEqual(["305/1", "350/1"]);
    expect(r.rt.summary().troubles).toEqual([350]);
  });

  it("emits 'state' on every visible change", async () => {
    const r = await startRig();
    const seen: string[] = [];
    r.rt.on("state", (v) => seen.push(v.areas[0]?.phase.kind ?? ""));
    r.keys("1*1234 away");
    r.clock.advanceTo(T0 + 30_000);
    expect(seen).toEqual(["exit", "armed"]);
  });

  it("refuses a malformed input with a typed error", async () => {
    const r = await startRig();
    const bad = { type: "zone", zone: "x" } as unknown as RuntimeInput;
    expect(() => r.rt.input(bad)).toThrow(FirmwareError);
    try {
      r.rt.input(bad);
    } catch (e) {
      expect((e as FirmwareError).code).toBe("input-invalid");
    }
  });
});

describe("remote commands produce a CommandResult", () => {
  const exp = T0 + 60_000;

  it("arm and disarm report 407 closing/opening with user 0", async () => {
    const r = await startRig();
    expect(r.rt.remote({ id: "a", exp, type: "arm", area: 1, mode: "away" })).toEqual({ id: "a", ok: true });
    expect(r.rt.summary().areas[0]).toEqual({ area: 1, mode: "away" });
    expect(r.rt.remote({ id: "b", exp, type: "disarm", area: 1 })).toEqual({ id: "b", ok: true });
    expect(r.events.slice(1)).toEqual([
      { code: 407, q: 3, area: 1, user: 0, at: T0 },
      { code: 407, q: 1, area: 1, user: 0, at: T0 },
    ]);
  });

  it("remote arm with an open zone fails and names it", async () => {
    const r = await startRig({ active: [3] });
    expect(r.rt.remote({ id: "a", exp, type: "arm", area: 1, mode: "away" })).toEqual({ id: "a", ok: false, error: "open-zones" });
  });

  it("user-add, user-change and user-delete report 306; the new code works on the keypad", async () => {
    const r = await startRig();
    const add: Command = { id: "u1", exp, type: "user-add", spec: { user: 7, code: "7777", areas: [1], perms: ["disarm"] } };
    expect(r.rt.remote(add)).toEqual({ id: "u1", ok: true });
    expect(r.rt.state.users.find((u) => u.user === 7)?.hash).toMatch(/^scrypt\$/);
    r.keys("1*7777 away");
    expect(r.rt.state.areas[0]?.phase.kind).toBe("exit");
    expect(r.rt.remote({ id: "u2", exp, type: "user-change", user: 7, code: "7778" })).toEqual({ id: "u2", ok: true });
    r.keys("1*7777 off");
    expect(r.rt.state.areas[0]?.phase.kind).toBe("exit");
    r.keys("1*7778 off");
    expect(r.rt.state.areas[0]?.phase.kind).toBe("disarmed");
    expect(r.rt.remote({ id: "u3", exp, type: "user-delete", user: 7 })).toEqual({ id: "u3", ok: true });
    expect(r.events.filter((e) => e.code === 306).map((e) => e.user)).toEqual([7, 7, 7]);
  });

  it("refuses expired, malformed, too-short, duplicate and unknown-user commands with stable errors", async () => {
    const r = await startRig({ cfg: testConfig({ grade: 3 }) });
    expect(r.rt.remote({ id: "e", exp: T0 - 1, type: "status-request" })).toEqual({ id: "e", ok: false, error: "expired" });
    expect(r.rt.remote({ id: "m", type: "arm" } as unknown as Command)).toEqual({ id: "m", ok: false, error: "malformed" });
    const spec = { user: 8, areas: [1], perms: [] };
    expect(r.rt.remote({ id: "s", exp, type: "user-add", spec: { ...spec, code: "12345" } })).toEqual({ id: "s", ok: false, error: "code-too-short" });
    expect(r.rt.remote({ id: "d", exp, type: "user-add", spec: { ...spec, code: "1234" } }).ok).toBe(false);
    expect(r.rt.remote({ id: "k", exp, type: "user-delete", user: 99 })).toEqual({ id: "k", ok: false, error: "unknown-user" });
    expect(r.codes()).toEqual(["305/1"]);
  });

  it("refuses a code that duplicates another user's", async () => {
    const r = await startRig();
    expect(r.rt.remote({ id: "d", exp, type: "user-add", spec: { user: 8, code: "1234", areas: [1], perms: [] } })).toEqual({ id: "d", ok: false, error: "duplicate-code" });
  });

  it("test-start / test-stop and status-request / time-sync are acknowledged", async () => {
    const r = await startRig();
    expect(r.rt.remote({ id: "t", exp, type: "test-start", until: T0 + 10_000 }).ok).toBe(true);
    expect(r.rt.view().walkTestUntil).toBe(T0 + 10_000);
    expect(r.rt.remote({ id: "u", exp, type: "test-stop" }).ok).toBe(true);
    expect(r.rt.view().walkTestUntil).toBeUndefined();
    expect(r.rt.remote({ id: "s", exp, type: "status-request" })).toEqual({ id: "s", ok: true });
    expect(r.rt.remote({ id: "y", exp, type: "time-sync" })).toEqual({ id: "y", ok: true });
  });
});

describe("a reporter that throws does not stop the panel", () => {
  it("logs the refusal locally and carries on with the other effects", async () => {
    const cfg = testConfig();
    const store = new MemoryStore();
    const rt = new PanelRuntime({ config: cfg, io: new SimIO(64, secureLevels(cfg)), clock: new FakeClock(T0), store, reporter: {
        report: () => {
          throw new Error("disk full");
        },
      },
    });
    await rt.start();
    expect(rt.remote({ id: "a", exp: T0 + 1, type: "arm", area: 1, mode: "away" })).toEqual({ id: "a", ok: true });
    expect(store.recent(10).map((e) => e.what)).toContain("reporter refused event 407: disk full");
  });
});
