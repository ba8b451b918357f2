/**
 * A panel whose data directory is lost (SD card replaced, disk wiped) starts a fresh outbox at seq 0. The
 * centre holds other content under those numbers; it must not take the new events for duplicates (an ACK
 * for an alarm never raised: EN 50136-1 6.3, no loss of alarm messages). End to end on the simulated broker
 * and a FakeClock: the device stores and delivers events, its data directory is deleted, it starts again,
 * a zone trips: the centre NAKs seq-reused, the gateway renumbers, the burglary alarm is raised, the
 * "sequence restarted" trouble is raised once, and the new outbox empties.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig, zoneLevel } from "../../firmware/index.js";
import { startDevice, type RunningDevice } from "../../gateway/device/start-device.js";
import { FakeClock } from "../../protocol/clock.js";
import { generateEd25519, privateKeyFromPem, publicKeyFromPem } from "../../protocol/index.js";
import { SimBroker, simConnector } from "../../simulator/board/sim-connector.js";
import { simBoardFor } from "../../simulator/board/sim-board.js";
import { Receiver } from "../../simulator/centre/receiver/receiver.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { e2ePanelConfig } from "../support/e2e-panel-config.js";

const PANEL = "panel-0001";
const config = parseConfig(e2ePanelConfig({ type: "instant" }));
const dirs: string[] = [];
const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("a panel whose outbox was lost (fake time, simulated broker)", () => {
  it("its new alarms are not dropped as duplicates: NAK seq-reused, renumbered, stored, raised; one sequence-restarted trouble", async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const root = mkdtempSync(join(tmpdir(), "outbox-lost-"));
    dirs.push(root);
    const dataDir = join(root, "panel");
    mkdirSync(dataDir);
    const centre = CentreStore.open(join(root, "centre.db"));
    stops.push(() => centre.close());
    const centreKeys = generateEd25519();
    const panelKeys = generateEd25519();
    centre.registry.addPanel(PANEL, "SP4", clock.now());
    centre.registry.addFrameKey(PANEL, PANEL, panelKeys.publicPem, clock.now());
    const broker = new SimBroker("mqtt://sim:1883", clock);
    const connector = simConnector([broker]);
    const receiver = new Receiver({ url: broker.url, store: centre, centreKey: { kid: "centre", key: privateKeyFromPem(centreKeys.privatePem) }, name: "r1", connector, clock, supervise: false });
    stops.push(() => receiver.stop());

    /** Move fake time a millisecond and an event-loop turn at a time until `done` holds. */
    const settle = async (done: () => boolean) => {
      for (let i = 0; i < 20_000 && !done(); i++) {
        clock.advance(1);
        await new Promise<void>((r) => setImmediate(r));
      }
      expect(done()).toBe(true);
    };
    const up = receiver.start();
    clock.advance(broker.latencyMs);
    await up;

    const start = async (): Promise<{ device: RunningDevice; trip: () => void }> => {
      const io = simBoardFor(config);
      const device = await startDevice({
        config,
        io,
        dataDir,
        connector,
        clock,
        link: {
          panel: PANEL,
          category: "SP4",
          signer: { kid: PANEL, key: privateKeyFromPem(panelKeys.privatePem) },
          centreKey: { kid: "centre", key: publicKeyFromPem(centreKeys.publicPem) },
          broker: { url: broker.url, username: PANEL, password: "x", protocolVersion: 4 },
        },
      });
      const zone1 = config.zones.find((z) => z.zone === 1)!;
      const trip = () => {
        for (const k of ["2", "4", "6", "8", "away"]) device.panel.input({ type: "key", key: k as "2" });
        io.setLevel(zone1.pin as number, zoneLevel(zone1.wiring, true));
      };
      return { device, trip };
    };
    const burglaries = () => centre.alarms.list().filter((a) => a.key.startsWith("130"));

    // First life: events stored and acknowledged; the outbox empties.
    const first = await start();
    first.trip();
    await settle(() => burglaries().length === 1 && first.device.gateway.depth().total === 0);
    const stored = centre.frames.count(PANEL);
    expect(stored).toBeGreaterThanOrEqual(2); // the hello, the arming, the burglary...
    centre.alarms.setState(burglaries()[0]!.id, "closed", "op1", clock.now(), "handled");
    await first.device.stop();

    // The data directory is lost: a fresh outbox numbering from 0 again.
    clock.advance(3_600_000);
    rmSync(dataDir, { recursive: true, force: true });
    mkdirSync(dataDir);
    const naks: string[] = [];
    receiver.on("nak", (_p, seq, reason) => naks.push(`${seq}:${reason}`));
    const second = await start();
    stops.push(() => second.device.stop());
    second.trip();
    await settle(() => burglaries().length === 1 && second.device.gateway.depth().total === 0);

    expect(naks.length).toBeGreaterThan(0);
    expect(naks.every((n) => n.endsWith(":seq-reused"))).toBe(true);
    const [alarm] = burglaries();
    const alarmFrames = centre.alarms.frames(alarm!.id);
    expect(alarmFrames.length).toBe(1);
    expect(alarmFrames[0]!.seq).toBeGreaterThanOrEqual(stored); // stored under a renumbered seq, above the old ones
    const troubles = centre.alarms.list().filter((a) => a.kind === "trouble");
    expect(troubles).toMatchObject([{ panel: PANEL, key: "sequence-restarted" }]);
  });
});
