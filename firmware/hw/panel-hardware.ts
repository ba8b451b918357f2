/**
 * The GPIO port on johnny-five: a five.Board on an injected IO plugin (SimIO in tests and the demo,
 * raspi-io on a Raspberry Pi), zones as five.Switch inputs, siren/strobe/LEDs as five.Led outputs.
 *
 * Wiring: inputs use the pull-up, so an open contact reads HIGH. NC zones are active (violated) when the
 * contact opens, NO zones when it closes. johnny-five's own Switch events are debounced on real time;
 * we read the level it keeps and debounce on the injected Clock instead, so virtual time works.
 */
import five from "johnny-five";
import type { PanelConfig, ZoneConfig } from "../config/panel-config.js";
import type { Clock, Timer } from "../../protocol/clock.js";
import type { OutputName } from "../core/panel-effect.js";
import { FirmwareError } from "../firmware-error.js";
import type { Key } from "../keypad-entry.js";
import { MatrixKeypad } from "./matrix-keypad.js";

interface DigitalIo {
  digitalRead(pin: number | string, cb: (v: number) => void): unknown;
}

/** The level a zone's pin shows (pull-up input) for a secure or violated zone. */
export function zoneLevel(wiring: "NC" | "NO", active: boolean): 0 | 1 {
  const contactOpen = wiring === "NC" ? active : !active;
  return contactOpen ? 1 : 0;
}

/** Loads the IO plugin the config names. raspi-io is imported only here and only when configured. */
export async function loadIo(cfg: PanelConfig): Promise<unknown> {
  if (cfg.io !== "raspi") throw new FirmwareError("io-unavailable", `io "${cfg.io}" must be injected by the caller`);
  const name = "raspi-io"; // not a dependency: install it on the Pi only
  try {
    const mod = (await import(name)) as { RaspiIO?: new () => unknown; default?: { RaspiIO?: new () => unknown } };
    const Ctor = mod.RaspiIO ?? mod.default?.RaspiIO;
    if (!Ctor) throw new Error("no RaspiIO export");
    return new Ctor();
  } catch (e) {
    throw new FirmwareError("io-unavailable", `raspi-io: ${(e as Error).message}`);
  }
}

export class PanelHardware {
  readonly #board: five.Board;
  readonly #switches = new Map<number, { sw: five.Switch; z: ZoneConfig; stable: boolean; timer: Timer | undefined }>();
  readonly #leds = new Map<OutputName, five.Led>();
  #keypad: MatrixKeypad | undefined;
  #closed = false;

  private constructor(board: five.Board) {
    this.#board = board;
  }

  /** Resolves once the board is ready and every zone and output is set up. */
  static async open(io: unknown, cfg: PanelConfig): Promise<PanelHardware> {
    // REPL off: with the REPL on and stdin at EOF johnny-five closes the board. Banner off: debug false.
    const board = new five.Board({ io, repl: false, debug: false, sigint: false });
    await new Promise<void>((resolve, reject) => {
      board.once("ready", () => resolve());
      board.once("error", (e: unknown) => reject(new FirmwareError("io-unavailable", String(e))));
    });
    const hw = new PanelHardware(board);
    for (const z of cfg.zones) {
      const sw = new five.Switch({ pin: z.pin, type: "NO", board }); // "NO" turns the pull-up on
      hw.#switches.set(z.zone, { sw, z, stable: false, timer: undefined });
    }
    for (const [name, pin] of Object.entries(cfg.outputs) as [OutputName, number | string | undefined][]) {
      if (pin !== undefined) hw.#leds.set(name, new five.Led({ pin, board }));
    }
    return hw;
  }

  #active(sw: five.Switch, z: ZoneConfig): boolean {
    return z.wiring === "NC" ? sw.isOpen : sw.isClosed;
  }

  /** The zones active right now (boot sample, no debounce), then debounced changes to `onChange`. */
  watch(clock: Clock, onChange: (zone: number, active: boolean) => void): number[] {
    const io = this.#board.io as DigitalIo;
    const activeNow: number[] = [];
    for (const [zone, e] of this.#switches) {
      e.stable = this.#active(e.sw, e.z);
      if (e.stable) activeNow.push(zone);
      io.digitalRead(e.z.pin, () => {
        if (this.#closed) return;
        // The Switch's own reader ran first and updated isOpen/isClosed.
        e.timer?.cancel();
        e.timer = undefined;
        const settle = () => {
          e.timer = undefined;
          const now = this.#active(e.sw, e.z);
          if (now === e.stable) return;
          e.stable = now;
          onChange(zone, now);
        };
        if (e.z.debounceMs === 0) settle();
        else e.timer = clock.schedule(e.z.debounceMs, settle);
      });
    }
    return activeNow;
  }

  /** Starts scanning the matrix keypad, when the config has one (on the Pi; the simulator injects keys). */
  scanKeypad(cfg: PanelConfig, clock: Clock, onKey: (k: Key) => void): void {
    if (!cfg.keypad) return;
    this.#keypad = new MatrixKeypad(this.#board, cfg.keypad, clock, onKey);
    this.#keypad.start();
  }

  /** Stops reporting zone changes and drops pending debounce timers (the IO plugin has no unsubscribe). */
  close(): void {
    this.#closed = true;
    this.#keypad?.stop();
    for (const e of this.#switches.values()) e.timer?.cancel();
  }

  setOutput(name: OutputName, on: boolean): void {
    const led = this.#leds.get(name);
    if (on) led?.on();
    else led?.off();
  }
}
