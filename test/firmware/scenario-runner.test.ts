import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { main } from "../../simulator/scenario/alarm-sim.js";
import { runScenario, type ScenarioLine } from "../../simulator/scenario/scenario-runner.js";
import { parseScenario } from "../../simulator/scenario/scenario-schema.js";
import { FirmwareError } from "../../firmware/firmware-error.js";
import { cheapHash, testConfig } from "./harness.js";

type Line = { kind: string; t: number; event?: { code: number; q: number; zone?: number; user?: number }; state?: unknown };

/** The example scenario and config as shipped, through the real CLI entry point. */
async function runCli(args: string[]): Promise<{ code: number; lines: Line[]; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, (s) => (out += s), (s) => (err += s));
  return { code, err, lines: out.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Line) };
}

function fixtureConfig(): string {
  // The test config with cheap hashes, written as YAML, so scenarios stay fast.
  const dir = mkdtempSync(join(tmpdir(), "sc-"));
  const f = join(dir, "panel.yaml");
  const c = testConfig();
  writeFileSync(f, stringify({ ...c, users: c.users.map((u) => ({ ...u, codeHash: cheapHash(u.user === 1 ? "1234" : `${u.user}${u.user}${u.user}${u.user}0`) })) }));
  return f;
}

describe("alarm-sim scenario: the real firmware on SimIO in virtual time, JSON lines", () => {
  it("runs the shipped example: arm, burglary, siren limit, entry, disarm with cancel, AC trouble", async () => {
    const { code, lines } = await runCli(["scenario", "firmware/config/example-panel.yaml", "firmware/config/example-scenario.yaml"]);
    expect(code).toBe(0);
    const events = lines.filter((l) => l.kind === "event").map((l) => `${l.t}:${l.event?.code}/${l.event?.q}`);
    expect(events).toEqual([
      "0:305/1",
      "30000:401/3",
      "30000:401/3",
      "60050:130/1",
      "65050:130/3",
      "310000:401/1",
      "310000:406/1",
      "310000:401/1",
      "320000:301/1",
      "330000:301/3",
    ]);
    const sirenOff = lines.find((l) => l.kind === "state" && l.t === 240_050);
    expect(sirenOff?.state).toMatchObject({ outputs: { siren: false, strobe: true } });
  });

  it("a restart step resumes armed, reports 305 and alarms for the zone opened during the cut", async () => {
    const { code, lines } = await runCli(["scenario", fixtureConfig(), "test/fixtures/firmware/restart-scenario.yaml"]);
    expect(code).toBe(0);
    const events = lines.filter((l) => l.kind === "event" || l.kind === "restart").map((l) => (l.kind === "restart" ? `${l.t}:restart` : `${l.t}:${l.event?.code}/${l.event?.q}`));
    expect(events).toEqual(["0:305/1", "30000:401/3", "40000:restart", "40000:305/1", "40000:130/1", "50000:401/1", "50000:406/1"]);
  });

  it("command, tamper, battery and link steps: a result line and their events", async () => {
    const lines: ScenarioLine[] = [];
    const sc = parseScenario([
      { at: 0, command: { type: "arm", area: 1, mode: "stay" } },
      { at: 10, tamper: 3, state: "on" },
      { at: 20, battery: "low" },
      { at: 30, link: "down" },
    ]);
    await runScenario(testConfig(), sc, { out: (l) => lines.push(l) });
    expect(lines.find((l) => l.kind === "result")).toEqual({ kind: "result", t: 0, result: { id: "cmd-0", ok: true } });
    const events = lines.flatMap((l) => (l.kind === "event" ? [`${l.t}:${(l.event as { code: number }).code}`] : []));
    expect(events).toEqual(["0:305", "0:407", "10:144", "20:302", "30:350"]);
  });

  it("prevention of setting through the runner: an open 24 h zone or AC loss refuses the arm; an override arms with 301 q6", async () => {
    const run = async (steps: unknown[]) => {
      const lines: ScenarioLine[] = [];
      await runScenario(testConfig(), parseScenario({ until: 40_000, steps }), { out: (l) => lines.push(l) });
      return {
        events: lines.flatMap((l) => (l.kind === "event" ? [`${l.t}:${(l.event as { code: number; q: number }).code}/${(l.event as { q: number }).q}`] : [])),
        keypad: lines.flatMap((l) => (l.kind === "keypad" ? [l.msg] : [])),
      };
    };
    const safe = await run([{ at: 0, zone: 5, state: "open" }, { at: 100, zone: 5, state: "close" }, { at: 200, keys: "1234 off" }, { at: 300, zone: 5, state: "open" }, { at: 400, keys: "1*1234 away" }]);
    expect(safe.events.some((e) => e.includes(":401/"))).toBe(false);
    expect(safe.keypad).toContainEqual({ kind: "arm-refused", area: 1, open: [5], tampered: [], faults: [] });
    const ac = await run([{ at: 0, ac: "lost" }, { at: 100, keys: "5678 away" }]);
    expect(ac.events).toEqual(["0:305/1", "0:301/1"]);
    expect(ac.keypad).toContainEqual({ kind: "arm-refused", area: 1, open: [], tampered: [], faults: ["acLost"] });
    const over = await run([{ at: 0, ac: "lost" }, { at: 100, keys: "1*1234* away" }]);
    expect(over.events).toEqual(["0:305/1", "0:301/1", "100:301/6", "30100:401/3"]);
  });

  it("a duress code through the runner: arming reports 121 at once, a disarm of a disarmed panel too", async () => {
    const lines: ScenarioLine[] = [];
    const cfg = testConfig();
    // The fixture's user 3 is the duress user with code 9999.
    await runScenario(cfg, parseScenario({ until: 40_000, steps: [{ at: 0, keys: "1*9999 off" }, { at: 10, keys: "1*9999 away" }] }), { out: (l) => lines.push(l) });
    const events = lines.flatMap((l) => (l.kind === "event" ? [`${l.t}:${(l.event as { code: number }).code}`] : []));
    expect(events).toEqual(["0:305", "0:121", "10:121", "30010:401"]);
  });

  it("a bad scenario is refused with a typed error naming the step", () => {
    expect(() => parseScenario({ steps: [{ at: 5, zone: 1, state: "open" }, { at: 1, keys: "1234 away" }] })).toThrow(/steps\[1\]\.at/);
    expect(() => parseScenario([{ at: 0, keys: "1234 explode" }])).toThrow(FirmwareError);
  });

  it("a step naming a zone, area or user the config does not have is scenario-invalid naming the step", async () => {
    const run = (steps: unknown[]) => runScenario(testConfig(), parseScenario(steps), { out: () => {} });
    await expect(run([{ at: 0, zone: 42, state: "open" }])).rejects.toThrow(/steps\[0\]: zone 42/);
    await expect(run([{ at: 0, tamper: 3, state: "on" }, { at: 1, tamper: 77, state: "on" }])).rejects.toThrow(/steps\[1\]: zone 77/);
    await expect(run([{ at: 0, keys: "9*1234 away" }])).rejects.toThrow(/steps\[0\]: area 9/);
    await expect(run([{ at: 0, keys: "55*1234 bypass" }])).rejects.toThrow(/steps\[0\]: zone 55/);
    await expect(run([{ at: 0, command: { type: "arm", area: 7, mode: "away" } }])).rejects.toThrow(FirmwareError);
    await expect(run([{ at: 0, command: { type: "user-delete", user: 99 } }])).rejects.toMatchObject({ code: "scenario-invalid" });
    // Known names pass, and a user added by an earlier step is known.
    const ok = run([
      { at: 0, keys: "1*1234 away" },
      { at: 1, command: { type: "user-add", spec: { user: 9, code: "1357", areas: [1], perms: [] } } },
      { at: 2, command: { type: "user-delete", user: 9 } },
    ]);
    await expect(ok).resolves.toBeDefined();
  });

  it("through the CLI an unknown zone exits 2 with scenario-invalid", async () => {
    const f = join(mkdtempSync(join(tmpdir(), "sc-")), "typo.yaml");
    writeFileSync(f, stringify([{ at: 0, zone: 42, state: "open" }]));
    const r = await runCli(["scenario", fixtureConfig(), f]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^scenario-invalid: .*steps\[0\]: zone 42/);
  });

  it("--help prints usage on stdout and exits 0; an unknown flag exits 2 with one line naming it", async () => {
    let out = "";
    let err = "";
    expect(await main(["--help"], (s) => (out += s), (s) => (err += s))).toBe(0);
    expect(out).toMatch(/^usage:/);
    expect(err).toBe("");
    const r = await runCli(["scenario", "a.yaml", "b.yaml", "--dbx", "f"]);
    expect(r.code).toBe(2);
    expect(r.err).toBe("alarm-sim: Unknown option '--dbx' (see --help)\n"); // the shared argument layer's wording
    expect((await runCli([])).code).toBe(2);
  });

  it("exits 2 with the error code on a bad config", async () => {
    const f = join(mkdtempSync(join(tmpdir(), "sc-")), "bad.yaml");
    writeFileSync(f, "areas: []\n");
    const r = await runCli(["scenario", f, "firmware/config/example-scenario.yaml"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^config-invalid: [\s\S]*→ at areas/);
  });

  it("works through the npm bin shim (bin/alarm-sim.js)", () => {
    const out = execFileSync(process.execPath, ["bin/alarm-sim.js", "scenario", fixtureConfig(), "test/fixtures/firmware/restart-scenario.yaml"], { encoding: "utf8" });
    expect(out.split("\n")[0]).toBe('{"kind":"event","t":0,"event":{"code":305,"q":1,"area":0,"at":1000000}}');
  }, 20_000);
});
