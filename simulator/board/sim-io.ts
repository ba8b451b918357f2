/**
 * An in-memory johnny-five IO plugin (the IO-plugin contract: pins with supportedModes, MODES, HIGH/LOW,
 * pinMode, digitalRead(pin, cb), digitalWrite, 'connect'/'ready'). Tests and the demo drive the input
 * levels with setLevel() and watch the outputs through level() or the 'write' event.
 */
import { EventEmitter } from "node:events";

const MODES = { INPUT: 0, OUTPUT: 1, ANALOG: 2, PWM: 3, SERVO: 4 } as const;

interface SimPin {
  supportedModes: number[];
  mode: number;
  value: number;
  report: number;
  analogChannel: number;
}

export class SimIO extends EventEmitter {
  readonly name = "SimIO";
  readonly MODES = MODES;
  readonly HIGH = 1;
  readonly LOW = 0;
  readonly RESOLUTION = { ADC: 1023, DAC: null, PWM: 255 };
  readonly pins: SimPin[];
  readonly analogPins: number[] = [];
  /** Board sees this and emits 'connect' and 'ready' on the next tick. */
  isReady = true;
  readonly #readers = new Map<number, ((v: number) => void)[]>();
  #matrix: { rows: readonly number[]; cols: readonly number[]; down: Set<string> } | undefined;

  constructor(pinCount = 64, initial: ReadonlyMap<number, 0 | 1> = new Map()) {
    super();
    this.pins = Array.from({ length: pinCount }, (_, i) => ({
      supportedModes: [MODES.INPUT, MODES.OUTPUT],
      mode: MODES.INPUT,
      value: initial.get(i) ?? 0,
      report: 1,
      analogChannel: 127,
    }));
  }

  #pin(pin: number): SimPin {
    const p = this.pins[pin];
    if (!p) throw new RangeError(`SimIO has no pin ${pin}`);
    return p;
  }

  pinMode(pin: number, mode: number): this {
    this.#pin(pin).mode = mode;
    return this;
  }

  /** Outputs take the value; on an input, HIGH enables the pull-up, which the simulated wiring ignores. */
  digitalWrite(pin: number, value: number): this {
    const p = this.#pin(pin);
    if (p.mode === MODES.OUTPUT) {
      p.value = value ? 1 : 0;
      this.emit("write", pin, p.value);
      if (this.#matrix?.rows.includes(pin)) this.#matrixColumns();
    }
    return this;
  }

  /** Reports the current level at once (as Firmata does when reporting is enabled), then every change. */
  digitalRead(pin: number, cb: (v: number) => void): this {
    const list = this.#readers.get(pin) ?? [];
    list.push(cb);
    this.#readers.set(pin, list);
    cb(this.#pin(pin).value);
    return this;
  }

  // Unused parts of the contract, present so components that probe for them do not fail.
  analogRead(): this {
    return this;
  }
  analogWrite(pin: number, value: number): this {
    return this.digitalWrite(pin, value);
  }
  queryPinState(pin: number, cb: () => void): this {
    this.#pin(pin);
    cb();
    return this;
  }

  /** Drive an input pin; readers are called synchronously when the level changes. */
  setLevel(pin: number, level: 0 | 1): void {
    const p = this.#pin(pin);
    if (p.value === level) return;
    p.value = level;
    for (const cb of this.#readers.get(pin) ?? []) cb(level);
  }

  /**
   * Simulated matrix keypad: a held key connects its row to its column, so the column reads LOW while
   * that row is driven LOW (the columns have pull-ups).
   */
  wireMatrix(rows: readonly number[], cols: readonly number[]): void {
    this.#matrix = { rows, cols, down: new Set() };
    this.#matrixColumns();
  }

  holdKey(row: number, col: number, down: boolean): void {
    if (!this.#matrix) throw new Error("SimIO: wireMatrix first");
    if (down) this.#matrix.down.add(`${row},${col}`);
    else this.#matrix.down.delete(`${row},${col}`);
    this.#matrixColumns();
  }

  #matrixColumns(): void {
    const m = this.#matrix;
    if (!m) return;
    m.cols.forEach((colPin, c) => {
      const low = m.rows.some((rowPin, r) => m.down.has(`${r},${c}`) && this.#pin(rowPin).mode === MODES.OUTPUT && this.#pin(rowPin).value === 0);
      this.setLevel(colPin, low ? 0 : 1);
    });
  }

  level(pin: number): number {
    return this.#pin(pin).value;
  }
}
