/**
 * Runs the real firmware (PanelRuntime on SimIO) in virtual time against a scenario and emits one JSON
 * object per reported event, state change, keypad message and command result.
 */
import type { PanelConfig } from "../../firmware/config/panel-config.js";
import { zoneLevel } from "../../firmware/hw/panel-hardware.js";
import { keySequence } from "../../firmware/keypad-entry.js";
import { PanelRuntime } from "../../firmware/panel-runtime.js";
import { MemoryStore } from "../../firmware/store/memory-store.js";
import type { PanelStore } from "../../firmware/store/panel-store.js";
import type { Command } from "../../protocol/index.js";
import { FakeClock } from "../../protocol/clock.js";
import { checkScenarioAgainst, type Scenario, type ScenarioStep } from "./scenario-schema.js";
import { SimIO } from "../board/sim-io.js";

export type ScenarioLine =
  | { kind: "event"; t: number; event: unknown }
  | { kind: "state"; t: number; state: unknown }
  | { kind: "keypad"; t: number; msg: unknown }
  | { kind: "result"; t: number; result: unknown }
  | { kind: "restart"; t: number };

export interface RunOptions {
  readonly store?: PanelStore;
  readonly out: (line: ScenarioLine) => void;
}

function pinOf(cfg: PanelConfig, zone: number): { pin: number; wiring: "NC" | "NO" } | undefined {
  const z = cfg.zones.find((x) => x.zone === zone);
  return z && typeof z.pin === "number" ? { pin: z.pin, wiring: z.wiring } : undefined;
}

export async function runScenario(cfg: PanelConfig, sc: Scenario, opts: RunOptions): Promise<PanelRuntime> {
  checkScenarioAgainst(cfg, sc);
  const clock = new FakeClock(sc.start);
  const store = opts.store ?? new MemoryStore(cfg.eventLog.capacity);
  const t = () => clock.now() - sc.start;
  // Every zone starts secure.
  const levels = new Map<number, 0 | 1>();
  for (const z of cfg.zones) if (typeof z.pin === "number") levels.set(z.pin, zoneLevel(z.wiring, false));
  let io = new SimIO(256, levels);

  const boot = async (): Promise<PanelRuntime> => {
    const rt = new PanelRuntime({ config: cfg, io, clock, store, reporter: { report: (event) => opts.out({ kind: "event", t: t(), event }) } });
    rt.on("state", (state) => opts.out({ kind: "state", t: t(), state }));
    rt.on("keypad", (msg) => opts.out({ kind: "keypad", t: t(), msg }));
    await rt.start();
    return rt;
  };
  let rt = await boot();

  const apply = async (st: ScenarioStep, i: number): Promise<void> => {
    if ("zone" in st) {
      const p = pinOf(cfg, st.zone);
      if (p) io.setLevel(p.pin, zoneLevel(p.wiring, st.state === "open"));
      else rt.input({ type: "zone", zone: st.zone, active: st.state === "open" });
    } else if ("tamper" in st) rt.input({ type: "tamper", zone: st.tamper, active: st.state === "on" });
    else if ("keys" in st) {
      for (const key of keySequence(st.keys)) rt.input({ type: "key", key });
    } else if ("ac" in st) rt.input({ type: "ac", ok: st.ac === "restored" });
    else if ("battery" in st) rt.input({ type: "battery", low: st.battery === "low" });
    else if ("link" in st) rt.input({ type: "link", up: st.link === "up" });
    else if ("command" in st) {
      const cmd = { id: `cmd-${i}`, exp: clock.now() + 3_600_000, ...st.command } as unknown as Command;
      opts.out({ kind: "result", t: t(), result: rt.remote(cmd) });
    } else {
      rt.stop();
      opts.out({ kind: "restart", t: t() });
      io = new SimIO(256, new Map(io.pins.map((p, n) => [n, p.value ? 1 : 0])));
      rt = await boot();
    }
  };

  for (const [i, st] of sc.steps.entries()) {
    clock.advanceTo(sc.start + st.at);
    await apply(st, i);
  }
  const last = sc.steps[sc.steps.length - 1]?.at ?? 0;
  clock.advanceTo(sc.start + (sc.until ?? last + 1));
  rt.stop();
  return rt;
}
