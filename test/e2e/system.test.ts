/**
 * The whole path on loopback, through the one wiring the demo uses (simulator/demo/system.ts): zone trip on an
 * armed panel -> firmware report -> durable outbox -> signed frame -> aedes -> receiver verifies and
 * stores -> signed ACK -> the event leaves the outbox. Waits on events, never on the wall clock.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashCode, type PanelConfigInput } from "../../firmware/index.js";
import { startSystem, type RunningSystem } from "../../simulator/demo/system.js";

const config = {
  grade: 2,
  io: "sim",
  timing: { exitDelayMs: 0, entryDelayMs: 0, unsetDeferralMs: 0 },
  areas: [{ area: 1 }],
  zones: [
    { zone: 1, type: "instant", pin: 2, areas: [1], debounceMs: 0 },
    { zone: 2, type: "fire", pin: 3, areas: [1], debounceMs: 0, bypassable: false },
  ],
  outputs: { siren: 20 },
  users: [{ user: 1, areas: [1], perms: ["disarm"], codeHash: hashCode("2468", { N: 1024, r: 8, p: 1 }) }],
} as PanelConfigInput;

let sys: RunningSystem;
const ackedSeqs = new Set<number>();
beforeAll(async () => {
  sys = await startSystem({ panelConfig: config });
  sys.gateway.on("acked", (a) => ackedSeqs.add(a.seq));
});
afterAll(async () => {
  await sys?.stop();
});

function storedEvent(code: number): Promise<number> {
  return new Promise((resolve) =>
    sys.receiver.on("stored", (_panel, seq, p) => {
      if ("events" in p && p.events.some((e) => e.code === code)) resolve(seq);
    }),
  );
}
function acked(seq: number): Promise<void> {
  if (ackedSeqs.has(seq)) return Promise.resolve();
  return new Promise((resolve) => sys.gateway.on("acked", (a) => a.seq === seq && resolve()));
}

describe("end to end on loopback: panel, gateway, aedes, receiver", () => {
  it("an intrusion on an armed panel is stored by the centre and acknowledged back to the panel", async () => {
    for (const k of ["2", "4", "6", "8", "away"]) sys.panel.input({ type: "key", key: k as "2" });
    expect(sys.panel.view().areas[0]!.phase.kind).toBe("armed");
    const stored = storedEvent(130);
    sys.setZone(1, true);
    const seq = await stored;
    await acked(seq);
    const alarms = sys.centre.alarms.list();
    expect(alarms.some((a) => a.panel === "panel-0001" && a.key.startsWith("130"))).toBe(true);
  });

  it("a fire zone reports whatever the mode, also while disarmed", async () => {
    for (const k of ["2", "4", "6", "8", "off"]) sys.panel.input({ type: "key", key: k as "2" });
    expect(sys.panel.view().areas[0]!.phase.kind).toBe("disarmed");
    const stored = storedEvent(110);
    sys.setZone(2, true);
    await acked(await stored);
  });
});

describe("npm start without a terminal", () => {
  it("runs the scripted intrusion: the alarm is reported, stored and acknowledged, then cancelled", () => {
    const r = spawnSync(process.execPath, [join(import.meta.dirname, "../../node_modules/tsx/dist/cli.mjs"), join(import.meta.dirname, "../../simulator/demo/demo.ts"), "--delays", "200"], {
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000,
    });
    const out = r.stdout.toString();
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(out).toMatch(/panel +reports entry\/exit burglary, zone 1 \(front door\) \[Contact ID 134\/1, SIA BA\]/);
    expect(out).toMatch(/centre +stored frame \d+: entry\/exit burglary, zone 1 \(front door\) \[Contact ID 134\/1/);
    expect(out).toMatch(/centre +stored frame \d+: cancel \(disarmed\), user 1 \(owner\) \[Contact ID 406\/1/);
    const alarmSeq = /stored frame (\d+): entry\/exit burglary, zone 1 \(front door\) \[Contact ID 134\/1/.exec(out)![1];
    expect(out).toContain(`centre acknowledged frame ${alarmSeq} after`);
    // The console's address and the demo login, printed once; the centre made an incident of the alarm.
    expect(out.match(/Operators' console: +http:\/\/127\.0\.0\.1:\d+\/console\//g)).toHaveLength(1);
    expect(out).toMatch(/incident #\d+ for the operators: entry\/exit burglary zone 1 area 1, open; next task: call-contact/);
  });
});
