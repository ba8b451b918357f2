/**
 * The I/O edge around the pure core: johnny-five hardware, clock, persistence, code hashing, reporter.
 * Every input goes through `#feed`, which steps the core, persists the non-volatile part, then carries out
 * the effects in order (reports go to the reporter synchronously, so the gateway commits them first).
 */
import { EventEmitter } from "node:events";
import { z } from "zod";
import { Command, type AreaStatus, type CommandResult, type Event, eventDef } from "../protocol/index.js";
import { systemClock, type Clock, type Timer } from "../protocol/clock.js";
import type { PanelConfig } from "./config/panel-config.js";
import { matchUser } from "./codes/code-hash.js";
import { newCodeHash } from "./codes/new-code.js";
import { lockedOut } from "./core/wrong-code-lockout.js";
import { nextDeadline } from "./core/deadline-rules.js";
import { initialState, toNv } from "./core/initial-state.js";
import type { KeypadMessage, OutputName, PanelEffect } from "./core/panel-effect.js";
import type { CoreCommand, PanelInput } from "./core/panel-input.js";
import type { PanelState } from "./core/panel-state.js";
import { summary, view, type PanelView } from "./core/panel-view.js";
import { step } from "./core/step.js";
import { FirmwareError } from "./firmware-error.js";
import { loadIo, PanelHardware } from "./hw/panel-hardware.js";
import { KeypadEntry, type Key } from "./keypad-entry.js";
import { RuntimeInput } from "./runtime-input.js";
import { MemoryStore } from "./store/memory-store.js";
import type { NewLogEntry, PanelStore } from "./store/panel-store.js";

export interface PanelRuntimeOptions {
  readonly config: PanelConfig;
  /** A johnny-five IO plugin (SimIO, ...). Omitted with `io: "raspi"` in the config: raspi-io is imported. */
  readonly io?: unknown;
  readonly clock?: Clock;
  readonly store?: PanelStore;
  readonly reporter?: { report(event: Event): void };
  readonly onChange?: (view: PanelView) => void;
}

export interface PanelRuntimeEvents {
  state: [PanelView];
  report: [Event];
  keypad: [KeypadMessage];
  output: [OutputName, boolean];
}

export class PanelRuntime extends EventEmitter<PanelRuntimeEvents> {
  readonly #cfg: PanelConfig;
  readonly #clock: Clock;
  readonly #store: PanelStore;
  readonly #opts: PanelRuntimeOptions;
  readonly #keypad = new KeypadEntry();
  #state: PanelState;
  #hw: PanelHardware | undefined;
  #timer: { at: number; t: Timer } | undefined;
  #lastView = "";
  #lastNv = "";
  #lastResult: CommandResult | undefined;

  constructor(opts: PanelRuntimeOptions) {
    super();
    this.#opts = opts;
    this.#cfg = opts.config;
    this.#clock = opts.clock ?? systemClock;
    this.#store = opts.store ?? new MemoryStore(opts.config.eventLog.capacity);
    const nv = this.#store.loadNv();
    this.#lastNv = nv ? JSON.stringify(nv) : "";
    this.#state = initialState(this.#cfg, nv, this.#clock.now());
  }

  /** Opens the board, samples every zone and boots the core (305 and the all-zones re-evaluation). */
  async start(): Promise<void> {
    const io = this.#opts.io ?? (await loadIo(this.#cfg));
    this.#hw = await PanelHardware.open(io, this.#cfg);
    const active = this.#hw.watch(this.#clock, (zone, on) => this.#feed({ type: "zone", zone, active: on }));
    this.#lastView = "";
    this.#feed({ type: "boot", active });
    this.#hw.scanKeypad(this.#cfg, this.#clock, (k) => this.#key(k));
  }

  /** Stops the timers and the zone inputs; the store stays open for the caller to close (it may outlive the runtime). */
  stop(): void {
    this.#hw?.close();
    this.#timer?.t.cancel();
    this.#timer = undefined;
  }

  get state(): PanelState {
    return this.#state;
  }

  view(): PanelView {
    return view(this.#state);
  }

  summary(): { areas: AreaStatus[]; troubles: number[] } {
    return summary(this.#state);
  }

  input(raw: RuntimeInput): void {
    const r = RuntimeInput.safeParse(raw);
    if (!r.success) throw new FirmwareError("input-invalid", z.prettifyError(r.error));
    const input = r.data;
    switch (input.type) {
      case "key":
        return this.#key(input.key as Key);
      case "zone":
      case "tamper":
        return this.#feed(input);
      case "ac":
      case "battery":
      case "link":
      case "store":
        return this.#feed(input);
    }
  }

  /** A downlink command. Codes are checked and hashed here; the core decides. Never throws. */
  remote(raw: Command): CommandResult {
    const parsed = Command.safeParse(raw);
    const id = typeof (raw as { id?: unknown })?.id === "string" ? (raw as { id: string }).id.slice(0, 64) || "?" : "?";
    if (!parsed.success) return { id, ok: false, error: "malformed" };
    const cmd = parsed.data;
    const now = this.#clock.now();
    let core: CoreCommand;
    if ((cmd.type === "user-add" || cmd.type === "user-change") && now <= cmd.exp) {
      const code = cmd.type === "user-add" ? cmd.spec.code : cmd.code;
      const userNo = cmd.type === "user-add" ? cmd.spec.user : cmd.user;
      const checked = newCodeHash(this.#cfg, this.#state.users, userNo, code);
      if ("error" in checked) return { id: cmd.id, ok: false, error: checked.error };
      const hash = checked.hash;
      if (cmd.type === "user-add") {
        const { code: _plain, ...spec } = cmd.spec;
        core = { id: cmd.id, exp: cmd.exp, type: "user-add", spec: { ...spec, hash } };
      } else core = { id: cmd.id, exp: cmd.exp, type: "user-change", user: cmd.user, hash };
    } else if (cmd.type === "user-add" || cmd.type === "user-change") {
      return { id: cmd.id, ok: false, error: "expired" };
    } else core = cmd;
    this.#lastResult = undefined;
    this.#feed({ type: "remote", cmd: core });
    return this.#lastResult ?? { id: cmd.id, ok: false, error: "no-result" };
  }

  #key(key: Key): void {
    const entry = this.#keypad.press(key, this.#state.program?.level === 2);
    if (!entry) return;
    switch (entry.kind) {
      case "malformed":
        this.emit("keypad", { kind: "invalid-code" });
        return;
      case "user-edit": {
        if (entry.op === "delete") return this.#feed({ type: "user-edit", edit: { op: "delete", user: entry.user } });
        // The same length, uniqueness and hashing rules as the remote user-add/change.
        const checked = newCodeHash(this.#cfg, this.#state.users, entry.user, entry.code);
        const edit = "error" in checked ? { op: entry.op, user: entry.user, refused: checked.error } : { op: entry.op, user: entry.user, hash: checked.hash };
        return this.#feed({ type: "user-edit", edit });
      }
      case "alarm":
        return this.#feed({ type: "keypad-alarm", kind: entry.alarm });
      case "code": {
        const now = this.#clock.now();
        // While locked out the digits are not even checked (EN 50131-1: keypad disabled).
        const user = lockedOut({ s: this.#state, now }) ? null : matchUser(entry.code, this.#state.users);
        const input: PanelInput =
          entry.area === undefined ? { type: "code", user, action: entry.action } : { type: "code", user, action: entry.action, area: entry.area };
        return this.#feed(input);
      }
    }
  }

  #feed(input: PanelInput): void {
    const now = this.#clock.now();
    const { state, effects } = step(this.#state, input, now);
    this.#state = state;
    // Effects first: a report goes to the gateway, which commits it to its outbox and starts sending it
    // before the panel's own bookkeeping. Were power lost in between, the event is safe in the outbox;
    // the other order could lose an alarm that the saved state already counts as handled.
    const log: NewLogEntry[] = [];
    for (const fx of effects) this.#carryOut(fx, now, log);
    const nv = toNv(state);
    const nvText = JSON.stringify(nv);
    const nvChanged = nvText !== this.#lastNv;
    this.#store.commitStep(nvChanged ? nv : undefined, log);
    if (nvChanged) this.#lastNv = nvText;
    this.#schedule();
    const v = view(state);
    const vs = JSON.stringify(v);
    if (vs !== this.#lastView) {
      this.#lastView = vs;
      this.emit("state", v);
      this.#opts.onChange?.(v);
    }
  }

  #carryOut(fx: PanelEffect, now: number, log: NewLogEntry[]): void {
    switch (fx.type) {
      case "report": {
        const e = fx.event;
        log.push({ at: e.at, what: `${eventDef(e.code)?.name ?? e.code} q${e.q}`, code: e.code, q: e.q, area: e.area, ...(e.zone !== undefined ? { zone: e.zone } : {}), ...(e.user !== undefined ? { user: e.user } : {}) });
        try {
          this.#opts.reporter?.report(e);
        } catch (err) {
          // The panel keeps running: the event is in the local log, and the gateway owns retransmission.
          log.push({ at: now, what: `reporter refused event ${e.code}: ${(err as Error).message}`.slice(0, 200) });
        }
        this.emit("report", e);
        return;
      }
      case "output":
        this.#hw?.setOutput(fx.output, fx.on);
        this.emit("output", fx.output, fx.on);
        return;
      case "keypad":
        this.emit("keypad", fx.msg);
        return;
      case "log": {
        const { type: _t, ...rest } = fx;
        log.push({ at: now, ...rest });
        return;
      }
      case "result":
        this.#lastResult = fx.result;
        return;
    }
  }

  /** One clock timer for the core's next deadline; a tick steps the core at exactly that time. */
  #schedule(): void {
    const at = nextDeadline(this.#state);
    if (this.#timer?.at === at) return;
    this.#timer?.t.cancel();
    this.#timer = {
      at,
      t: this.#clock.schedule(at - this.#clock.now(), () => {
        this.#timer = undefined;
        this.#feed({ type: "tick" });
      }),
    };
  }
}
