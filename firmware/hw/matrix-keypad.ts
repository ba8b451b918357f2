/**
 * A matrix keypad read through johnny-five pins: each scan step drives one row LOW (five.Pin outputs) and
 * reads the columns (five.Switch inputs with pull-ups; a pressed key pulls its column LOW). A key counts
 * once it is seen in two consecutive full scans (debounce). Single keys are emitted on release, so that
 * holding two keys of a combination (a panic combination) sends only the combination.
 */
import five from "johnny-five";
import type { Clock, Timer } from "../../protocol/clock.js";
import type { KeypadConfig } from "../config/panel-config.js";
import { isKey, type Key } from "../keypad-entry.js";

export class MatrixKeypad {
  readonly #rows: five.Pin[];
  readonly #cols: five.Switch[];
  #row = 0;
  #seen = new Set<string>(); // keys down in the scan in progress
  #last = new Set<string>(); // keys down in the previous full scan
  #held = new Set<string>(); // debounced: down in two consecutive scans
  #comboFired = false;
  #timer: Timer | undefined;

  constructor(
    board: five.Board,
    private readonly cfg: KeypadConfig,
    private readonly clock: Clock,
    private readonly onKey: (k: Key) => void,
  ) {
    this.#rows = cfg.rows.map((pin) => new five.Pin({ pin, type: "digital", mode: 1, board }));
    this.#cols = cfg.cols.map((pin) => new five.Switch({ pin, type: "NO", board }));
    this.#rows.forEach((p, i) => (i === 0 ? p.low() : p.high()));
  }

  start(): void {
    this.#timer = this.clock.schedule(this.cfg.scanMs, () => this.#scan());
  }

  stop(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #label(r: number, c: number): string | undefined {
    return this.cfg.layout[r]?.[c];
  }

  #key(label: string): Key | undefined {
    const mapped = this.cfg.keys[label] ?? label;
    return isKey(mapped) ? mapped : undefined;
  }

  #scan(): void {
    // The columns now show the row driven LOW one step ago.
    this.#cols.forEach((sw, c) => {
      const label = this.#label(this.#row, c);
      if (sw.isClosed && label !== undefined) this.#seen.add(label);
    });
    this.#rows[this.#row]?.high();
    this.#row = (this.#row + 1) % this.#rows.length;
    this.#rows[this.#row]?.low();
    if (this.#row === 0) this.#endOfScan();
    this.start();
  }

  #endOfScan(): void {
    const stable = new Set([...this.#seen].filter((k) => this.#last.has(k)));
    const gone = [...this.#held].filter((k) => !this.#seen.has(k) && !this.#last.has(k));
    this.#last = this.#seen;
    this.#seen = new Set();
    for (const k of stable) this.#held.add(k);
    for (const [alarm, pair] of Object.entries(this.cfg.combos) as ["panic" | "fire", [string, string] | undefined][]) {
      if (pair && !this.#comboFired && this.#held.has(pair[0]) && this.#held.has(pair[1])) {
        this.#comboFired = true;
        this.onKey(alarm);
      }
    }
    for (const k of gone) {
      this.#held.delete(k);
      const key = this.#key(k);
      if (!this.#comboFired && key) this.onKey(key);
    }
    if (this.#held.size === 0) this.#comboFired = false;
  }
}
