import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Event } from "../../protocol/index.js";
import { nextDeadline } from "../../firmware/core/deadline-rules.js";
import { initialState } from "../../firmware/core/initial-state.js";
import type { PanelEffect } from "../../firmware/core/panel-effect.js";
import type { PanelInput } from "../../firmware/core/panel-input.js";
import type { PanelState } from "../../firmware/core/panel-state.js";
import { step } from "../../firmware/core/step.js";
import { T0, cheapHash, testConfig } from "./harness.js";

const cfg = testConfig();
const BURGLARY_CODES = new Set([130, 131, 132, 134]);

type Op = { kind: "input"; input: PanelInput } | { kind: "wait"; ms: number };

const zoneNo = fc.integer({ min: 0, max: 12 }); // includes unknown zones 0, 11, 12
const action = fc.oneof(
  fc.constantFrom("away", "stay", "night").map((mode) => ({ kind: "arm", mode }) as const),
  fc.constantFrom("away", "stay", "night").map((mode) => ({ kind: "arm", mode, override: true }) as const),
  fc.constant({ kind: "disarm" } as const),
  zoneNo.map((zone) => ({ kind: "bypass", zone }) as const),
  fc.constant({ kind: "authorise-installer" } as const),
  fc.constant({ kind: "program" } as const),
);
const cmd = fc.oneof(
  fc.record({ type: fc.constant("arm" as const), area: fc.integer({ min: 0, max: 3 }), mode: fc.constantFrom("away" as const, "stay" as const, "night" as const) }),
  fc.record({ type: fc.constant("disarm" as const), area: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ type: fc.constant("test-start" as const), until: fc.integer({ min: T0, max: T0 + 5_000_000 }) }),
  fc.record({ type: fc.constant("test-stop" as const) }),
  fc.record({ type: fc.constant("user-delete" as const), user: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ type: fc.constant("user-change" as const), user: fc.integer({ min: 1, max: 8 }), hash: fc.constant(cheapHash("8642")) }),
  fc.record({ type: fc.constant("status-request" as const) }),
);
const input: fc.Arbitrary<PanelInput> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ type: fc.constant("zone" as const), zone: zoneNo, active: fc.boolean() }) },
  fc.record({ type: fc.constant("tamper" as const), zone: zoneNo, active: fc.boolean() }),
  { weight: 3, arbitrary: fc.record({ type: fc.constant("code" as const), user: fc.option(fc.integer({ min: 1, max: 7 })), action }) },
  fc.record({ type: fc.constant("code" as const), user: fc.integer({ min: 1, max: 2 }), action, area: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ type: fc.constant("keypad-alarm" as const), kind: fc.constantFrom("panic" as const, "fire" as const) }),
  fc.record({ type: fc.constant("ac" as const), ok: fc.boolean() }),
  fc.record({ type: fc.constant("battery" as const), low: fc.boolean() }),
  fc.record({ type: fc.constant("link" as const), up: fc.boolean() }),
  fc.record({ type: fc.constant("store" as const), ok: fc.boolean() }),
  fc.record({ type: fc.constant("remote" as const), cmd: fc.tuple(cmd, fc.integer({ min: 0, max: 1 })).map(([c, i]) => ({ ...c, id: `c${i}`, exp: i ? T0 - 1 : T0 + 10_000_000 })) }),
  fc.constant({ type: "tick" } as const),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: input.map((i) => ({ kind: "input", input: i }) as const) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 200_000 }).map((ms) => ({ kind: "wait", ms }) as const) },
);

/** Runs ops as the runtime would: time advances through every deadline with a tick at exactly it. */
function run(ops: readonly Op[], check: (before: PanelState, input: PanelInput, fx: readonly PanelEffect[], after: PanelState, now: number) => void): PanelState {
  let now = T0;
  let s = step(initialState(cfg, undefined, now), { type: "boot", active: [] }, now).state;
  const apply = (i: PanelInput) => {
    const r = step(s, i, now);
    check(s, i, r.effects, r.state, now);
    s = r.state;
  };
  for (const o of ops) {
    if (o.kind === "wait") {
      const target = now + o.ms;
      while (nextDeadline(s) <= target) {
        now = Math.max(now, nextDeadline(s));
        apply({ type: "tick" });
      }
      now = target;
    } else apply(o.input);
  }
  return s;
}

const PHASES = new Set(["disarmed", "exit", "armed", "entry"]);

describe("core properties (fast-check)", () => {
  it("no sequence of inputs crashes the reducer, leaves an unknown state or reports an invalid event", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        run(ops, (_before, _i, fx, after, now) => {
          for (const a of after.areas) expect(PHASES.has(a.phase.kind)).toBe(true);
          expect(nextDeadline(after)).toBeGreaterThan(now - 1);
          expect(after.wrongCodes.count).toBeGreaterThanOrEqual(0);
          expect(new Set(after.users.map((u) => u.user)).size).toBe(after.users.length);
          for (const e of fx) if (e.type === "report") expect(Event.safeParse(e.event).success).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });

  it("step never mutates the state it is given", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        run(ops, (before, i, _fx, _after, now) => {
          const snap = JSON.stringify(before);
          step(before, i, now);
          expect(JSON.stringify(before)).toBe(snap);
        });
      }),
      { numRuns: 100 },
    );
  });

  it("a disarmed area never sounds or reports for a burglary-class zone", () => {
    const burglary = new Set(cfg.zones.filter((z) => ["instant", "entry-exit", "follower"].includes(z.type)).map((z) => z.zone));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        run(ops, (before, i, fx) => {
          if (i.type !== "zone" || !burglary.has(i.zone)) return;
          const z = cfg.zones.find((x) => x.zone === i.zone);
          const disarmed = z?.areas.every((n) => before.areas.find((a) => a.area === n)?.phase.kind === "disarmed");
          if (!disarmed) return;
          expect(fx.filter((e) => e.type === "report" && BURGLARY_CODES.has(e.event.code))).toEqual([]);
          expect(fx.filter((e) => e.type === "output" && e.output === "siren" && e.on)).toEqual([]);
        });
      }),
      { numRuns: 300 },
    );
  });

  it("EN 50131-1 prevention of setting: no area starts setting while a fault or tamper is present, unless a user asked to override", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        run(ops, (before, i, _fx, after) => {
          const overriding = i.type === "code" && i.action.kind === "arm" && i.action.override === true;
          if (overriding) return;
          const fault = before.troubles.acLost || before.troubles.batteryLow || before.troubles.linkDown || before.troubles.storeFailed;
          for (const a of after.areas) {
            const was = before.areas.find((x) => x.area === a.area)?.phase.kind;
            if (was !== "disarmed" || a.phase.kind === "disarmed") continue;
            const tampered = cfg.zones.some((z) => z.areas.includes(a.area) && before.zones.some((zs) => zs.zone === z.zone && (zs.tamper || (z.type === "tamper" && zs.active))));
            expect({ fault, tampered }).toEqual({ fault: false, tampered: false });
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it("EN 50131-1 duress: every use of the duress code (user 3) outside a lockout reports 121", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        run(ops, (before, i, fx, _after, now) => {
          if (i.type !== "code" || i.user !== 3) return;
          if (before.wrongCodes.lockedUntil !== undefined && now < before.wrongCodes.lockedUntil) return;
          if (before.users.every((u) => u.user !== 3)) return; // deleted by a remote command
          expect(fx.some((e) => e.type === "report" && e.event.code === 121)).toBe(true);
        });
      }),
      { numRuns: 200 },
    );
  });

  it("24 h, fire and hold-up zones always report, whatever the mode", () => {
    const always = cfg.zones.filter((z) => ["24h", "fire", "panic"].includes(z.type));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.constantFrom(...always), (ops, z) => {
        const s = run(ops, () => {});
        const now = T0 + 10_000_000;
        const off = step(s, { type: "zone", zone: z.zone, active: false }, now).state;
        const fx = step(off, { type: "zone", zone: z.zone, active: true }, now).effects;
        const reported = fx.filter((e) => e.type === "report" && e.event.zone === z.zone);
        expect(reported.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });
});
