/**
 * The whole path, through the one device wiring (gateway/device/start-device.ts via simulator/demo/system.ts):
 * zone trip on an armed panel -> firmware report -> durable outbox -> signed frame -> broker -> receiver
 * verifies and stores -> signed ACK -> the event leaves the outbox. Run twice over the same wiring: on real
 * sockets against aedes on loopback, and on the simulated broker with a FakeClock. Waits on events, never
 * on the wall clock.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import { startSystem, type RunningSystem } from "../../simulator/demo/system.js";
import { e2ePanelConfig } from "../support/e2e-panel-config.js";

const config = e2ePanelConfig({ type: "fire", bypassable: false });

interface Transport {
  readonly name: string;
  readonly clock: FakeClock | undefined;
}

const transports: Transport[] = [
  { name: "real sockets, aedes on loopback", clock: undefined },
  { name: "simulated broker, fake time", clock: new FakeClock(1_700_000_000_000) },
];

describe.each(transports)("end to end: panel, gateway, broker, receiver ($name)", ({ clock }) => {
  let sys: RunningSystem;
  const ackedSeqs = new Set<number>();
  beforeAll(async () => {
    sys = await startSystem({ panelConfig: config, ...(clock ? { sim: { clock } } : {}) });
    sys.gateway.on("acked", (a) => ackedSeqs.add(a.seq));
  });
  afterAll(async () => {
    await sys?.stop();
  });

  /**
   * Resolves when `p` does. On the simulated broker time moves only when we move it: one millisecond (the
   * broker's latency) and one turn of the event loop (the receiver's group commit) at a time.
   */
  async function settle<T>(p: Promise<T>): Promise<T> {
    if (!clock) return p;
    let done = false;
    void p.then(() => (done = true));
    for (let i = 0; i < 10_000 && !done; i++) {
      clock.advance(1);
      await new Promise<void>((r) => setImmediate(r));
    }
    return p;
  }

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

  it("an intrusion on an armed panel is stored by the centre and acknowledged back to the panel", async () => {
    for (const k of ["2", "4", "6", "8", "away"]) sys.panel.input({ type: "key", key: k as "2" });
    expect(sys.panel.view().areas[0]!.phase.kind).toBe("armed");
    const stored = storedEvent(130);
    sys.setZone(1, true);
    const seq = await settle(stored);
    await settle(acked(seq));
    const alarms = sys.centre.alarms.list();
    expect(alarms.some((a) => a.panel === "panel-0001" && a.key.startsWith("130"))).toBe(true);
  });

  it("a fire zone reports whatever the mode, also while disarmed", async () => {
    for (const k of ["2", "4", "6", "8", "off"]) sys.panel.input({ type: "key", key: k as "2" });
    expect(sys.panel.view().areas[0]!.phase.kind).toBe("disarmed");
    const stored = storedEvent(110);
    sys.setZone(2, true);
    const seq = await settle(stored);
    await settle(acked(seq));
    expect(sys.centre.frames.has("panel-0001", seq)).toBe(true);
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
