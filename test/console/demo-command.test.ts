/** The demo terminal's command parser: every documented command, and every kind of wrong one answered in one line. */
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../firmware/index.js";
import { parseCommand, USAGE } from "../../simulator/demo/demo-command.js";
import { demoPanelConfig } from "../../simulator/demo/demo-config.js";

const cfg = parseConfig(demoPanelConfig(0));
const ok = (line: string) => {
  const p = parseCommand(line, cfg);
  if (!p.ok) throw new Error(p.message);
  return p.command;
};
const no = (line: string) => {
  const p = parseCommand(line, cfg);
  if (p.ok) throw new Error(`accepted ${line}`);
  expect(p.message).not.toContain("\n");
  return p.message;
};

describe("demo terminal commands", () => {
  it("reads each documented command", () => {
    expect(ok("open 3")).toEqual({ kind: "zone", zone: 3, open: true });
    expect(ok("  close 1 ")).toEqual({ kind: "zone", zone: 1, open: false });
    expect(ok("keys 1234 away")).toEqual({ kind: "keys", keys: ["1", "2", "3", "4", "away"] });
    expect(ok("keys 1234 OFF")).toMatchObject({ keys: ["1", "2", "3", "4", "off"] });
    expect(ok("keys panic")).toEqual({ kind: "keys", keys: ["panic"] });
    expect(ok("ac lost")).toEqual({ kind: "ac", ok: false });
    expect(ok("ac ok")).toEqual({ kind: "ac", ok: true });
    expect(ok("link cut")).toEqual({ kind: "link", up: false });
    expect(ok("link restore")).toEqual({ kind: "link", up: true });
    for (const c of ["status", "help", "quit"]) expect(ok(c).kind).toBe(c);
    expect(ok("")).toEqual({ kind: "empty" });
    expect(USAGE.join("\n")).toMatch(/link cut \| link restore/);
  });

  it("answers a wrong one in one line that says what would be right", () => {
    expect(no("open abc")).toBe("open needs one zone number: 1 front door, 2 hall PIR, 3 kitchen window, 4 smoke");
    expect(no("open")).toContain("needs one zone number");
    expect(no("open 3 4")).toContain("needs one zone number");
    expect(no("open 9")).toBe("there is no wired zone 9; the zones are 1 front door, 2 hall PIR, 3 kitchen window, 4 smoke");
    expect(no("keys 1234")).toBe("keys 1234: nothing sent; end with an action (away, stay, night, off), e.g. keys 1234 off");
    expect(no("keys")).toContain("needs a code and an action");
    expect(no("keys 12ab away")).toContain('"12ab" is not a key');
    expect(no("ac maybe")).toBe("ac takes lost or ok");
    expect(no("link down")).toBe("link takes cut or restore");
    expect(no("status now")).toBe("status takes nothing");
    expect(no("frobnicate 3")).toBe('unknown command "frobnicate"; type help for the list');
  });
});
