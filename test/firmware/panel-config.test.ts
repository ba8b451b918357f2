import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../firmware/config/load-config.js";
import { FirmwareError } from "../../firmware/firmware-error.js";

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof FirmwareError ? e.code : "untyped";
  }
  return undefined;
}

describe("panel config: schema with defaults and readable errors naming the field path", () => {
  it("fills the grade 2 defaults", () => {
    const c = parseConfig({ areas: [{ area: 1 }] });
    expect(c.grade).toBe(2);
    expect(c.timing).toMatchObject({ exitDelayMs: 30_000, entryDelayMs: 30_000, sirenLimitMs: 180_000, wrongCodeLimit: 10, lockoutMs: 90_000 });
    expect(c.eventLog.capacity).toBe(10_000);
  });

  it("override levels for prevention of setting: grade 2 defaults, and a bad level names its path", () => {
    expect(parseConfig({ areas: [{ area: 1 }] }).override).toEqual({ acLost: 2, batteryLow: 2, linkDown: 2, storeFailed: 2, tamper: 3 });
    expect(parseConfig({ areas: [{ area: 1 }], override: { tamper: "never" } }).override.tamper).toBe("never");
    expect(() => parseConfig({ areas: [{ area: 1 }], override: { acLost: 1 } })).toThrow(/override\.acLost/);
  });

  it("names the path of a bad field", () => {
    const bad = { areas: [{ area: 1 }], zones: [{ zone: 1, type: "laser", pin: 2, areas: [1] }] };
    expect(() => parseConfig(bad)).toThrow(/zones\[0\]\.type/);
    expect(codeOf(() => parseConfig(bad))).toBe("config-invalid");
  });

  it("refuses a zone in an area that is not configured, and duplicate pins", () => {
    const cfg = { areas: [{ area: 1 }], zones: [{ zone: 1, type: "instant", pin: 2, areas: [2] }, { zone: 2, type: "instant", pin: 2, areas: [1] }] };
    expect(() => parseConfig(cfg)).toThrow(/area 2 is not configured\n  → at zones\[0\]\.areas\[0\]/);
    expect(() => parseConfig(cfg)).toThrow(/duplicate pin 2\n  → at pins\[1\]/);
  });

  it("refuses an event log smaller than 10,000 entries", () => {
    expect(() => parseConfig({ areas: [{ area: 1 }], eventLog: { capacity: 9_999 } })).toThrow(/eventLog\.capacity/);
  });

  it("the shipped example config is valid; an unreadable file is a typed error", () => {
    expect(loadConfig("firmware/config/example-panel.yaml").zones).toHaveLength(10);
    const f = join(mkdtempSync(join(tmpdir(), "cfg-")), "bad.yaml");
    writeFileSync(f, "areas: [ {");
    expect(codeOf(() => loadConfig(f))).toBe("config-unreadable");
  });
});
