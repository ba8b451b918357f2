/** PanelRuntime on SimIO with a fake clock and an in-memory store, recording everything it does. */
import type { PanelConfig } from "../../firmware/config/panel-config.js";
import { FakeClock } from "../../protocol/clock.js";
import type { KeypadMessage } from "../../firmware/core/panel-effect.js";
import { zoneLevel } from "../../firmware/hw/panel-hardware.js";
import type { Key } from "../../firmware/keypad-entry.js";
import { PanelRuntime } from "../../firmware/panel-runtime.js";
import { MemoryStore } from "../../firmware/store/memory-store.js";
import type { PanelStore } from "../../firmware/store/panel-store.js";
import type { Event } from "../../protocol/index.js";
import { SimIO } from "../../simulator/board/sim-io.js";
import { T0, testConfig } from "./harness.js";

export interface Rig {
  rt: PanelRuntime;
  io: SimIO;
  clock: FakeClock;
  store: PanelStore;
  events: Event[];
  keypad: KeypadMessage[];
  cfg: PanelConfig;
  keys(s: string): void;
  /** Sets the zone's wire as a real contact would (honours NC/NO). */
  wire(zone: number, active: boolean): void;
  codes(): string[];
}

export function secureLevels(cfg: PanelConfig, active: number[] = []): Map<number, 0 | 1> {
  return new Map(cfg.zones.filter((z) => typeof z.pin === "number").map((z) => [z.pin as number, zoneLevel(z.wiring, active.includes(z.zone))]));
}

export async function startRig(opts: { cfg?: PanelConfig; store?: PanelStore; clock?: FakeClock; active?: number[] } = {}): Promise<Rig> {
  const cfg = opts.cfg ?? testConfig();
  const clock = opts.clock ?? new FakeClock(T0);
  const store = opts.store ?? new MemoryStore();
  const io = new SimIO(64, secureLevels(cfg, opts.active));
  const events: Event[] = [];
  const keypad: KeypadMessage[] = [];
  const rt = new PanelRuntime({ config: cfg, io, clock, store, reporter: { report: (e) => events.push(e) } });
  rt.on("keypad", (m) => keypad.push(m));
  await rt.start();
  return {
    rt,
    io,
    clock,
    store,
    events,
    keypad,
    cfg,
    keys(s) {
      for (const tok of s.split(" ")) for (const k of /^[0-9*]+$/.test(tok) ? [...tok] : [tok]) rt.input({ type: "key", key: k as Key });
    },
    wire(zone, active) {
      const z = cfg.zones.find((x) => x.zone === zone);
      if (!z || typeof z.pin !== "number") throw new Error(`no zone ${zone}`);
      io.setLevel(z.pin, zoneLevel(z.wiring, active));
    },
    codes: () => events.map((e) => `${e.code}/${e.q}`),
  };
}
