/**
 * alarm-panel's command line, in process: every subcommand's --help, an unknown flag, a missing file,
 * `check` on a good and a bad config, and the wiring table of the example config.
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../gateway/device/panel-command.js";
import { generateEd25519 } from "../../protocol/index.js";
import { captureIo } from "../support/capture-io.js";
import { writePanelBundle } from "../support/panel-bundle.js";

const EXAMPLE = join(import.meta.dirname, "../../firmware/config/example-panel.yaml");

const io = () => captureIo();

async function run(argv: string[]) {
  const t = io();
  const status = await main(argv, t, { stopSignal: () => Promise.resolve("test") });
  return { status, out: t.out(), err: t.err() };
}

describe("alarm-panel command line", () => {
  it.each([[[]], [["wiring"]], [["check"]]])("%j --help prints its usage and exits 0", async (sub) => {
    const r = await run([...sub, "--help"]);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(new RegExp(`^usage: alarm-panel ${sub.join(" ")}`.trimEnd()));
    expect(r.err).toBe("");
  });

  it("the panel's --help says that io: sim runs the simulated board, driven by commands on stdin", async () => {
    const out = (await run(["--help"])).out;
    expect(out).toMatch(/sim:\s+the simulated board for a test rig: every zone secure until told otherwise on stdin/);
    expect(out).toContain("zone N open|close, key 1 2 3 4 away");
  });

  it.each([[[]], [["wiring"]], [["check"]]])("%j with an unknown flag exits 2 with one line naming it", async (sub) => {
    const r = await run([...sub, "--bogus"]);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/^alarm-panel.*'--bogus'.*\n$/);
    expect(r.err.split("\n")).toHaveLength(2);
  });

  it.each([[[]], [["wiring"]], [["check"]]])("%j with a missing config file names it and exits 1", async (sub) => {
    const r = await run([...sub, "--config", "/nonexistent/panel.yaml", ...(sub.length ? [] : ["--bundle", "/nonexistent"])]);
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/^alarm-panel.*config-unreadable: \/nonexistent\/panel\.yaml: ENOENT/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it("a missing bundle names its panel.json and exits 1", async () => {
    const r = await run(["--config", EXAMPLE, "--bundle", "/nonexistent-bundle"]);
    expect(r.status).toBe(1);
    expect(r.err).toBe("alarm-panel: bundle-unreadable: /nonexistent-bundle/panel.json: ENOENT\n");
  });

  it("a bundle whose panel.json lacks a key names the file and the key", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bundle-"));
    writeFileSync(join(dir, "panel.json"), JSON.stringify({ panel: "p1" }));
    const r = await run(["--config", EXAMPLE, "--bundle", dir]);
    expect(r.status).toBe(1);
    expect(r.err).toMatch(new RegExp(`^alarm-panel: bundle-invalid: ${dir}/panel.json: kid: `));
  });

  it("a second alarm-panel on a data directory in use is refused (locked, exit 1, one line naming the holder), and leaves the holder's file", async () => {
    const bundle = mkdtempSync(join(tmpdir(), "bundle-"));
    writePanelBundle(bundle, "mqtt://127.0.0.1:1", { panelPrivatePem: generateEd25519().privatePem, centrePublicPem: generateEd25519().publicPem });
    const data = mkdtempSync(join(tmpdir(), "panel-data-"));
    // The holder: this very process (its pid runs), as a panel started a moment ago would be.
    const held = JSON.stringify({ pid: process.pid, host: hostname(), since: "2026-11-30T21:00:00.000Z" });
    writeFileSync(join(data, "alarm-panel.pid"), held);
    const r = await run(["--config", EXAMPLE, "--bundle", bundle, "--data", data]);
    expect(r.status).toBe(1);
    expect(r.err).toBe(`alarm-panel: locked: ${data} is in use by alarm-panel pid ${process.pid} (since 2026-11-30T21:00:00.000Z, ${join(data, "alarm-panel.pid")}): stop that one first; one alarm-panel per data directory\n`);
    expect(existsSync(join(data, "alarm-panel.pid"))).toBe(true);
    expect(existsSync(join(data, "gateway.db"))).toBe(false); // nothing opened
  });

  it("without --config the panel is a usage error (exit 2)", async () => {
    const r = await run(["--bundle", "/tmp"]);
    expect(r.status).toBe(2);
    expect(r.err).toBe("alarm-panel: --config is required (see --help)\n");
  });

  it("a bad --metrics value is a usage error naming the flag", async () => {
    const r = await run(["--config", EXAMPLE, "--bundle", "/tmp", "--metrics", "9464"]);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/^alarm-panel: --metrics takes HOST:PORT/);
  });
});

describe("alarm-panel check", () => {
  it("a good config: exit 0 and one line", async () => {
    const r = await run(["check", "--config", EXAMPLE]);
    expect(r.status).toBe(0);
    expect(r.out).toBe(`${EXAMPLE}: ok (10 zones, 2 areas, io sim)\n`);
  });

  it("a bad config: exit 1 with one line per problem, each naming its key", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "cfg-")), "panel.yaml");
    writeFileSync(file, "areas: [{ area: 1 }]\nzones:\n  - { zone: 1, type: instant, pin: 2, areas: [2], colour: red }\ntiming: { entryDelayMs: 45001 }\n");
    const r = await run(["check", "--config", file]);
    expect(r.status).toBe(1);
    expect(r.out).toBe("");
    const lines = r.err.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^alarm-panel: ${file}: timing\\.entryDelayMs: entry delay above 45000 ms`)),
        expect.stringMatching(new RegExp(`^alarm-panel: ${file}: zones\\.0: .*"colour"`)),
        `alarm-panel: ${file}: zones.0.areas.0: area 2 is not configured`,
      ]),
    );
  });

  it("an entry delay of exactly 45 s passes (EN 50131-1 limit)", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "cfg-")), "panel.yaml");
    writeFileSync(file, "areas: [{ area: 1 }]\ntiming: { entryDelayMs: 45000 }\n");
    expect((await run(["check", "--config", file])).status).toBe(0);
  });
});

describe("alarm-panel wiring", () => {
  it("prints the example config's table: zone, name, pin, NC/NO, pull-up", async () => {
    const r = await run(["wiring", "--config", EXAMPLE]);
    expect(r.status).toBe(0);
    const lines = r.out.split("\n");
    expect(lines[0]).toBe("Zones: wire each contact between its GPIO pin and GND (internal pull-up on).");
    expect(lines[2]).toMatch(/^zone +name +type +pin +NC\/NO +pull-up +secure reads$/);
    expect(lines[4]).toMatch(/^1 +front door +entry-exit +2 +NC +on +LOW \(closed\)$/);
    expect(lines[13]).toMatch(/^10 +garage door +entry-exit +11 +NO +on +HIGH \(open\)$/);
    expect(lines.filter((l) => /^\d+ {2}/.test(l))).toHaveLength(10);
    expect(r.out).toMatch(/^siren +20$/m);
    expect(r.out).toMatch(/^memoryLed +24$/m);
  });
});
