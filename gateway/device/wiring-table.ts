/**
 * The GPIO wiring table an electrician follows, from a panel config. Every zone input has the pin's
 * internal pull-up on (firmware/hw/panel-hardware.ts), so a contact is wired between its pin and GND: an
 * open contact reads HIGH, a closed one LOW. NC zones are secure while closed (a cut wire is an alarm,
 * EN 50131-1's reason to prefer them); NO zones are secure while open.
 */
import type { PanelConfig } from "../../firmware/index.js";

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

export function wiringTable(config: PanelConfig): string {
  const out: string[] = ["Zones: wire each contact between its GPIO pin and GND (internal pull-up on).", ""];
  out.push(
    ...table(
      ["zone", "name", "type", "pin", "NC/NO", "pull-up", "secure reads"],
      config.zones.map((z) => [String(z.zone), z.name ?? "", z.type, String(z.pin), z.wiring, "on", z.wiring === "NC" ? "LOW (closed)" : "HIGH (open)"]),
    ),
  );
  const outputs = Object.entries(config.outputs).filter(([, pin]) => pin !== undefined);
  if (outputs.length > 0) {
    out.push("", "Outputs: each pin drives its relay or LED driver (HIGH = on).", "");
    out.push(...table(["output", "pin"], outputs.map(([name, pin]) => [name, String(pin)])));
  }
  const k = config.keypad;
  if (k) {
    out.push("", "Keypad (matrix): rows are driven LOW one at a time; columns read with the pull-up on.", "");
    out.push(...table(["line", "pins"], [["rows", k.rows.join(", ")], ["columns", k.cols.join(", ")]]));
  }
  return `${out.join("\n")}\n`;
}
