import { describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import { PanelRuntime } from "../../firmware/panel-runtime.js";
import type { KeypadMessage } from "../../firmware/core/panel-effect.js";
import { SimIO } from "../../simulator/board/sim-io.js";
import { T0, testConfig } from "./harness.js";
import { secureLevels } from "./runtime-harness.js";

const ROWS = [30, 31, 32, 33];
const COLS = [34, 35, 36, 37];
const LAYOUT = [
  ["1", "2", "3", "A"],
  ["4", "5", "6", "B"],
  ["7", "8", "9", "C"],
  ["*", "0", "#", "D"],
];

async function rig() {
  const cfg = testConfig({ keypad: { rows: ROWS, cols: COLS, scanMs: 5 } });
  const io = new SimIO(64, secureLevels(cfg));
  io.wireMatrix(ROWS, COLS);
  const clock = new FakeClock(T0);
  const codes: string[] = [];
  const keypad: KeypadMessage[] = [];
  const rt = new PanelRuntime({ config: cfg, io, clock, reporter: { report: (e) => codes.push(`${e.code}/${e.q}`) } });
  rt.on("keypad", (m) => keypad.push(m));
  await rt.start();
  const where = (label: string): [number, number] => {
    const r = LAYOUT.findIndex((row) => row.includes(label));
    return [r, LAYOUT[r]?.indexOf(label) ?? -1];
  };
  /** Presses and releases, each held for `ms` of virtual time. */
  const tap = (label: string, ms = 100) => {
    const [r, c] = where(label);
    io.holdKey(r, c, true);
    clock.advance(ms);
    io.holdKey(r, c, false);
    clock.advance(ms);
  };
  return { rt, io, clock, codes, keypad, tap, where };
}

describe("matrix keypad on johnny-five pins (rows driven LOW in turn, columns with pull-ups)", () => {
  it("typing 1 2 3 4 A arms away through the scanned matrix", async () => {
    const r = await rig();
    for (const k of ["1", "2", "3", "4", "A"]) r.tap(k);
    expect(r.rt.state.areas[0]?.phase.kind).toBe("exit");
  });

  it("a contact bounce shorter than two scans is not a key press", async () => {
    const r = await rig();
    for (const k of ["1", "2", "3", "4"]) r.tap(k);
    r.tap("A", 3); // 3 ms at 5 ms per row step: never seen in two full scans
    expect(r.rt.state.areas[0]?.phase.kind).toBe("disarmed");
  });

  it("holding * and # together sends a panic (120), and neither key on its own", async () => {
    const r = await rig();
    const [sr, sc] = r.where("*");
    const [hr, hc] = r.where("#");
    r.io.holdKey(sr, sc, true);
    r.io.holdKey(hr, hc, true);
    r.clock.advance(200);
    r.io.holdKey(sr, sc, false);
    r.io.holdKey(hr, hc, false);
    r.clock.advance(200);
    expect(r.codes.filter((c) => c === "120/1")).toHaveLength(2); // one per area
    expect(r.keypad).not.toContainEqual({ kind: "invalid-code" });
  });

  it("a layout that does not match rows x cols is refused at config, naming the field", () => {
    expect(() => testConfig({ keypad: { rows: [30, 31], cols: COLS } })).toThrow(/keypad\.layout/);
  });
});
