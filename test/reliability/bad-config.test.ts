/**
 * Bad input at the edges a person writes by hand: the panel's YAML config and the provisioned bundle.
 * Every kind of error gives a typed error (FirmwareError "config-invalid"/"config-unreadable", GatewayError
 * "bundle-unreadable"/"bundle-invalid") whose message names the key or file, and `alarm-panel check`
 * lists one line per problem naming its key; never a crash, never a stack trace.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../firmware/config/load-config.js";
import { checkConfigFile } from "../../gateway/device/config-check.js";
import { loadPanelBundle } from "../../gateway/device/panel-bundle.js";
import { initCentre, provisionPanel } from "../../simulator/centre/pki/provisioning.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";

const dir = mkdtempSync(join(tmpdir(), "bad-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const EXAMPLE = readFileSync(new URL("../../firmware/config/example-panel.yaml", import.meta.url), "utf8");

/** A parsed YAML or JSON document, edited freely by the cases (their whole point is to break its types). */
type Doc = Record<string, any>;
const zone = (d: Doc, i: number): Doc => d.zones[i];

/** [what is wrong, how to break the example, the key the error must name] */
const CONFIG_CASES: [string, (d: Doc) => void, string][] = [
  ["grade of the wrong type", (d) => (d.grade = "two"), "grade"],
  ["grade out of range", (d) => (d.grade = 4), "grade"],
  ["unknown io", (d) => (d.io = "arduino"), "io"],
  ["unknown top-level key", (d) => (d.sirens = 2), "sirens"],
  ["unknown key in a zone", (d) => (zone(d, 0).delay = 5), "zones.0"],
  ["timing as a string", (d) => (d.timing.exitDelayMs = "30 s"), "timing.exitDelayMs"],
  ["negative delay", (d) => (d.timing.exitDelayMs = -1), "timing.exitDelayMs"],
  ["entry delay above EN 50131-1's 45 s", (d) => (d.timing.entryDelayMs = 45_001), "timing.entryDelayMs"],
  ["zones not a list", (d) => (d.zones = 5), "zones"],
  ["zone number as a string", (d) => (zone(d, 2).zone = "three"), "zones.2.zone"],
  ["unknown zone type", (d) => (zone(d, 2).type = "laser"), "zones.2.type"],
  ["duplicate zone number", (d) => (zone(d, 3).zone = 1), "zones"],
  ["duplicate pin", (d) => (zone(d, 3).pin = 2), "pin"],
  ["zone in an area that does not exist", (d) => (zone(d, 0).areas = [7]), "areas"],
  ["unknown wiring", (d) => (zone(d, 9).wiring = "both"), "zones.9.wiring"],
  ["output pin shared with a zone", (d) => (d.outputs.siren = 2), "pin"],
  ["malformed code hash", (d) => (d.users[0].codeHash = "1234"), "users.0.codeHash"],
  ["plain code instead of a hash", (d) => (d.users[0].code = "1234"), "users.0"],
  ["duplicate user number", (d) => (d.users[1].user = 1), "users"],
  ["unknown permission", (d) => (d.users[0].perms = ["fly"]), "users.0.perms.0"],
  ["override level out of range", (d) => (d.override.tamper = 9), "override.tamper"],
];

function writeConfig(name: string, doc: Doc | string): string {
  const f = join(dir, `${name.replace(/\W+/g, "-")}.yaml`);
  writeFileSync(f, typeof doc === "string" ? doc : stringify(doc));
  return f;
}

describe("panel config: every kind of error names its key", () => {
  it.each(CONFIG_CASES)("%s", (name, breakIt, key) => {
    const doc = parse(EXAMPLE) as Doc;
    breakIt(doc);
    const f = writeConfig(name, doc);
    let err: unknown;
    try {
      loadConfig(f);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ name: "FirmwareError", code: "config-invalid" });
    // loadConfig prints paths as zod does (zones[2].type), the check command dotted (zones.2.type).
    expect((err as Error).message.replace(/\[(\d+)\]/g, ".$1")).toContain(key);
    const check = checkConfigFile(f);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.problems.some((p) => p.startsWith(`${f}: `) && p.includes(key))).toBe(true);
  });

  it("the example itself is valid (the cases above each break one thing)", () => {
    expect(loadConfig(writeConfig("example", EXAMPLE)).zones).toHaveLength(10);
  });

  it.each([
    ["YAML syntax error", "grade: 2\nzones: [ { zone: 1, name: x\n"],
    ["an empty file", ""],
    ["a list instead of a map", "- 1\n- 2\n"],
    ["binary garbage", "\u0000\u0001\u0002\uFFFD"],
  ])("%s: a typed error, no crash", (name, text) => {
    const f = writeConfig(name, text);
    expect(() => loadConfig(f)).toThrow(expect.objectContaining({ name: "FirmwareError", code: expect.stringMatching(/^config-(invalid|unreadable)$/) }));
    expect(checkConfigFile(f).ok).toBe(false);
  });

  it("a missing file names the file", () => {
    const f = join(dir, "nope.yaml");
    expect(() => loadConfig(f)).toThrow(expect.objectContaining({ code: "config-unreadable", message: expect.stringContaining(f) }));
  });
});

describe("panel bundle: missing or corrupt files name the file", () => {
  const c = initCentre(join(dir, "centre"));
  const store = CentreStore.open(c.dbPath);
  const good = join(dir, "good-bundle");
  provisionPanel(c, store, { panel: "B1", category: "SP4", outDir: good, broker: "mqtts://localhost:8883" });
  store.close();

  /** A copy of the good bundle with one change. */
  function bundleWith(name: string, change: (d: string) => void): string {
    const d = join(dir, `bundle-${name.replace(/\W+/g, "-")}`);
    mkdirSync(d, { recursive: true });
    for (const f of ["panel.json", "panel.key.pem", "panel.cert.pem", "frame.key.pem", "frame.pub.pem"]) writeFileSync(join(d, f), readFileSync(join(good, f)), { flag: "w" });
    change(d);
    return d;
  }
  const editJson = (d: string, edit: (j: Doc) => void) => {
    const j = JSON.parse(readFileSync(join(d, "panel.json"), "utf8")) as Doc;
    edit(j);
    writeFileSync(join(d, "panel.json"), JSON.stringify(j));
  };

  it("the good bundle loads", () => {
    expect(loadPanelBundle(good).panel).toBe("B1");
  });

  it.each<[string, (d: string) => void, string, string]>([
    ["no panel.json", (d) => unlinkSync(join(d, "panel.json")), "bundle-unreadable", "panel.json"],
    ["panel.json not JSON", (d) => writeFileSync(join(d, "panel.json"), "{ panel: B1,"), "bundle-invalid", "panel.json"],
    ["panel.json truncated", (d) => writeFileSync(join(d, "panel.json"), readFileSync(join(d, "panel.json"), "utf8").slice(0, 80)), "bundle-invalid", "panel.json"],
    ["panel id missing", (d) => editJson(d, (j) => delete j.panel), "bundle-invalid", "panel"],
    ["unknown category", (d) => editJson(d, (j) => (j.category = "SP9")), "bundle-invalid", "category"],
    ["broker URL not MQTT", (d) => editJson(d, (j) => (j.broker = "http://localhost")), "bundle-invalid", "broker"],
    ["key file named outside the bundle", (d) => editJson(d, (j) => (j.frameKey = "../frame.key.pem")), "bundle-invalid", "frameKey"],
    ["frame key missing", (d) => unlinkSync(join(d, "frame.key.pem")), "bundle-unreadable", "frame.key.pem"],
    ["client certificate missing", (d) => unlinkSync(join(d, "panel.cert.pem")), "bundle-unreadable", "panel.cert.pem"],
    ["frame key corrupt", (d) => writeFileSync(join(d, "frame.key.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), "bundle-invalid", "frame.key.pem"],
    ["frame key empty", (d) => writeFileSync(join(d, "frame.key.pem"), ""), "bundle-invalid", "frame.key.pem"],
    ["centre public key corrupt", (d) => editJson(d, (j) => (j.centre.publicKey = "not a key")), "bundle-invalid", "centre.publicKey"],
  ])("%s", (name, change, code, names) => {
    const d = bundleWith(name, change);
    let err: unknown;
    try {
      loadPanelBundle(d);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ name: "GatewayError", code });
    expect((err as Error).message).toContain(names);
  });
});
