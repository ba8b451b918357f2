import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../firmware/store/memory-store.js";
import { SqliteStore } from "../../firmware/store/sqlite-store.js";
import { startRig } from "./runtime-harness.js";

function runChildUntilArmedThenKill(db: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/firmware/power-loss-child.ts", db], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      if (out.includes("\n")) child.kill("SIGKILL"); // power cut: no shutdown, DB not closed
    });
    child.on("exit", (_code, signal) => (signal === "SIGKILL" ? resolve(out.trim()) : reject(new Error(`child exited: ${err}`))));
  });
}

describe("power loss: armed, process killed, restarted", () => {
  it("comes back armed, reports 305 and handles open zones at once (entry delay / instant alarm)", async () => {
    const db = join(mkdtempSync(join(tmpdir(), "panel-")), "panel.db");
    expect(await runChildUntilArmedThenKill(db)).toBe("armed");

    // The door (entry-exit) and a window (instant) were opened while the power was off.
    const store = new SqliteStore(db);
    const r = await startRig({ store, active: [1, 3] });
    expect(r.rt.summary().areas[0]).toEqual({ area: 1, mode: "away" });
    expect(r.rt.state.areas[0]?.phase.kind).toBe("entry");
    expect(r.io.level(20)).toBe(1); // the open window sounds the siren at once
    // Its notification waits for the entry time (EN 50131-1 unsetting rule); nobody disarms, so both report.
    expect(r.codes()).toEqual(["305/1"]);
    r.clock.advance(30_000);
    expect(r.codes()).toEqual(["305/1", "134/1", "130/1"]);
    // The log kept the arming from before the cut.
    expect(store.recent(10).filter((e) => e.code !== undefined).map((e) => e.code)).toEqual([130, 134, 305, 407, 305]);
    store.close();
  }, 20_000);
});

describe("state that survives power loss, in process (store reused without a clean shutdown)", () => {
  it("a keypad lockout, alarm memory and bypasses persist across a restart", async () => {
    const store = new MemoryStore();
    const a = await startRig({ store });
    a.keys("3*1234 bypass");
    a.keys("1*1234 away");
    a.clock.advance(30_000);
    a.wire(4, true); // living-room PIR: alarm
    a.clock.advance(100);
    for (let i = 0; i < 10; i++) a.keys("0000 off");
    expect(a.rt.view().lockedUntil).toBeDefined();
    a.rt.stop(); // power cut: nothing else is flushed

    const b = await startRig({ store, clock: a.clock });
    expect(b.rt.view()).toMatchObject({ lockedUntil: a.rt.view().lockedUntil, areas: [{ area: 1, phase: { kind: "armed", mode: "away" }, bypassed: [3], memory: [4], alarm: true }, { area: 2 }] });
    b.keys("1*1234 off");
    expect(b.rt.view().areas[0]?.phase.kind).toBe("armed"); // still locked out
  });
});

