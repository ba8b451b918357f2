/**
 * The simulated board's console: what a test rig's operator types to an `alarm-panel` running with
 * `io: sim` (on its stdin), one command per line, answered in one line:
 *   zone N open | zone N close     a wired zone's contact, through the simulated GPIO (debounce included)
 *   key K [K...]                   keypad keys: digits, *, away, stay, night, off, bypass, panic, fire ...
 *   ac on|off, battery low|ok      mains and battery supervision
 *   tamper N on|off                a zone's tamper loop
 *   help
 * Anything else is refused with the usage, and the panel carries on. Nothing here reaches the centre
 * except through the panel, as a real board's inputs do.
 */
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { RuntimeInput, isFirmwareError, keySequence, zoneLevel, type Key, type PanelConfig } from "../../firmware/index.js";
import type { SimIO } from "./sim-io.js";

export const SIM_CONSOLE_HELP = "commands: zone N open|close, key K [K...], ac on|off, battery low|ok, tamper N on|off, help";

export interface SimConsoleTarget {
  readonly board: SimIO;
  readonly config: PanelConfig;
  /** The panel's runtime input (keys, supervision), checked by RuntimeInput. */
  input(i: RuntimeInput): void;
}

/** One command line: the answer to print. */
export function simCommand(line: string, t: SimConsoleTarget): string {
  const w = line.trim().split(/\s+/).filter(Boolean);
  if (w.length === 0) return "";
  const [cmd, a, b] = w;
  const refused = (why: string): string => `refused: ${line.trim()}: ${why}`;
  const input = (i: unknown, said: string): string => {
    const r = RuntimeInput.safeParse(i);
    if (!r.success) return refused(r.error.issues[0]!.message);
    t.input(r.data);
    return said;
  };
  switch (cmd) {
    case "help":
      return SIM_CONSOLE_HELP;
    case "zone": {
      const n = Number(a);
      const z = t.config.zones.find((x) => x.zone === n);
      if (!z || (b !== "open" && b !== "close")) return refused("want zone N open|close with N a configured zone");
      const open = b === "open";
      const said = `zone ${n} ${open ? "open" : "closed"}`;
      if (typeof z.pin !== "number") return input({ type: "zone", zone: n, active: open }, said);
      t.board.setLevel(z.pin, zoneLevel(z.wiring, open));
      return `${said} (pin ${z.pin})`;
    }
    case "key": {
      let keys: Key[];
      try {
        keys = keySequence(w.slice(1).join(" "));
      } catch (e) {
        if (isFirmwareError(e)) return refused(e.message);
        throw e;
      }
      if (keys.length === 0) return refused("want key K [K...]");
      for (const key of keys) t.input({ type: "key", key });
      return `keys ${keys.join(" ")}`;
    }
    case "ac":
      if (a !== "on" && a !== "off") return refused("want ac on|off");
      return input({ type: "ac", ok: a === "on" }, `mains ${a}`);
    case "battery":
      if (a !== "low" && a !== "ok") return refused("want battery low|ok");
      return input({ type: "battery", low: a === "low" }, `battery ${a}`);
    case "tamper":
      if (b !== "on" && b !== "off") return refused("want tamper N on|off");
      return input({ type: "tamper", zone: Number(a), active: b === "on" }, `tamper ${a} ${b}`);
    default:
      return refused(SIM_CONSOLE_HELP);
  }
}

/** Reads commands from `input` until it ends; answers go to `answer`. Returns a function that stops reading. */
export function attachSimConsole(input: Readable, t: SimConsoleTarget, answer: (line: string) => void): () => void {
  const rl = createInterface({ input, crlfDelay: Infinity, terminal: false });
  rl.on("line", (line) => {
    const out = simCommand(line, t);
    if (out) answer(out);
  });
  return () => rl.close();
}
