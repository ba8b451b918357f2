/**
 * The demo terminal's commands, parsed without side effects: every line is either a command or one line
 * saying what was wrong with it (test/console/demo-command.test.ts covers each).
 */
import type { PanelConfig } from "../../firmware/index.js";
import { FUNCTION_KEYS, type Key } from "../../firmware/keypad-entry.js";

export type DemoCommand =
  | { readonly kind: "zone"; readonly zone: number; readonly open: boolean }
  | { readonly kind: "keys"; readonly keys: readonly Key[] }
  | { readonly kind: "ac"; readonly ok: boolean }
  | { readonly kind: "link"; readonly up: boolean }
  | { readonly kind: "status" }
  | { readonly kind: "help" }
  | { readonly kind: "quit" }
  | { readonly kind: "empty" };

export type Parsed = { readonly ok: true; readonly command: DemoCommand } | { readonly ok: false; readonly message: string };

export const USAGE = [
  "open N | close N          open or close zone N (a door, a window, a detector)",
  "keys 1234 away            type a code and an action: away, stay, night or off; keys panic for a panic",
  "ac lost | ac ok           mains power fails or returns",
  "link cut | link restore   cut or restore the line to the centre (events wait in the outbox)",
  "status                    the panel's areas, outputs, troubles and outbox",
  "help | quit",
];

const ACTIONS = ["away", "stay", "night", "off", "panic", "fire"];

export function parseCommand(line: string, cfg: PanelConfig): Parsed {
  const [cmd = "", ...rest] = line.trim().split(/\s+/);
  const ok = (command: DemoCommand): Parsed => ({ ok: true, command });
  const no = (message: string): Parsed => ({ ok: false, message });
  const zones = cfg.zones.map((z) => `${z.zone} ${z.name ?? ""}`.trim()).join(", ");
  switch (cmd.toLowerCase()) {
    case "":
      return ok({ kind: "empty" });
    case "open":
    case "close": {
      const arg = rest[0];
      if (!arg || rest.length > 1 || !/^\d{1,3}$/.test(arg)) return no(`${cmd} needs one zone number: ${zones}`);
      const zone = Number(arg);
      const z = cfg.zones.find((x) => x.zone === zone);
      if (!z || typeof z.pin !== "number") return no(`there is no wired zone ${zone}; the zones are ${zones}`);
      return ok({ kind: "zone", zone, open: cmd.toLowerCase() === "open" });
    }
    case "keys": {
      if (!rest.length) return no("keys needs a code and an action, e.g. keys 1234 away (or keys panic)");
      const keys: Key[] = [];
      for (const tok of rest) {
        if (/^[0-9*]+$/.test(tok)) keys.push(...([...tok] as Key[]));
        else if ((FUNCTION_KEYS as readonly string[]).includes(tok.toLowerCase())) keys.push(tok.toLowerCase() as Key);
        else return no(`"${tok}" is not a key: digits, *, ${FUNCTION_KEYS.join(", ")}`);
      }
      const last = keys[keys.length - 1]!;
      // Digits alone would wait in the keypad and spoil the next code; a command is one whole entry.
      if (!ACTIONS.includes(last) && last !== "bypass" && last !== "clear") return no(`keys ${rest.join(" ")}: nothing sent; end with an action (away, stay, night, off), e.g. keys ${rest.join(" ")} off`);
      return ok({ kind: "keys", keys });
    }
    case "ac":
      if (rest.length === 1 && (rest[0] === "lost" || rest[0] === "ok")) return ok({ kind: "ac", ok: rest[0] === "ok" });
      return no("ac takes lost or ok");
    case "link":
      if (rest.length === 1 && (rest[0] === "cut" || rest[0] === "restore")) return ok({ kind: "link", up: rest[0] === "restore" });
      return no("link takes cut or restore");
    case "status":
      return rest.length ? no("status takes nothing") : ok({ kind: "status" });
    case "help":
    case "?":
      return ok({ kind: "help" });
    case "quit":
    case "exit":
      return ok({ kind: "quit" });
    default:
      return no(`unknown command "${cmd}"; type help for the list`);
  }
}
