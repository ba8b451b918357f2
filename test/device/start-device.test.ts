/**
 * The device wiring's edges: the board it needs, the bundle it reads (TLS material only for a TLS broker),
 * and a start and stop on the simulated broker with a FakeClock.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig, type PanelConfigInput } from "../../firmware/index.js";
import { loadPanelBundle } from "../../gateway/device/panel-bundle.js";
import { startDevice } from "../../gateway/device/start-device.js";
import { FakeClock } from "../../protocol/clock.js";
import { generateEd25519, privateKeyFromPem, publicKeyFromPem, STATUS_OFFLINE, STATUS_ONLINE, topics } from "../../protocol/index.js";
import { simBoardFor } from "../../simulator/board/sim-board.js";
import { SimBroker, simConnector } from "../../simulator/board/sim-connector.js";
import { writePanelBundle } from "../support/panel-bundle.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "device-"));
  dirs.push(d);
  return d;
};

const config = parseConfig({ io: "sim", areas: [{ area: 1 }], zones: [{ zone: 1, type: "instant", pin: 2, areas: [1] }] } as PanelConfigInput);
const panelKeys = generateEd25519();
const centreKeys = generateEd25519();
const link = (url: string) => ({
  panel: "d1",
  category: "SP4" as const,
  signer: { kid: "d1-key", key: privateKeyFromPem(panelKeys.privatePem) },
  centreKey: { kid: "centre", key: publicKeyFromPem(centreKeys.publicPem) },
  broker: { url },
});

function writeBundle(dir: string, broker: string): void {
  writePanelBundle(dir, broker, { panelPrivatePem: panelKeys.privatePem, centrePublicPem: centreKeys.publicPem });
}

describe("startDevice", () => {
  it("refuses io: sim without a board passed in (bad-config), before opening anything", async () => {
    await expect(startDevice({ config, link: link("mqtt://sim:1883"), dataDir: ":memory:" })).rejects.toMatchObject({ code: "bad-config" });
  });

  it("starts on the simulated broker: online on connect; stop publishes the retained offline and closes", async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const broker = new SimBroker("mqtt://sim:1883", clock);
    const device = await startDevice({ config, link: link(broker.url), dataDir: tmp(), io: simBoardFor(config), clock, connector: simConnector([broker]) });
    clock.advance(2);
    expect(broker.retained.get(topics.status("d1"))).toBe(STATUS_ONLINE);
    expect(device.panel.view().areas[0]!.phase.kind).toBe("disarmed");
    await device.stop();
    clock.advance(2);
    expect(broker.retained.get(topics.status("d1"))).toBe(STATUS_OFFLINE);
    expect(broker.connected).toBe(0);
    await device.stop(); // idempotent
  });
});

describe("loadPanelBundle", () => {
  it("an mqtts:// broker gets the CA and the client certificate and key", () => {
    const dir = tmp();
    writeBundle(dir, "mqtts://centre:8883");
    const l = loadPanelBundle(dir);
    expect(l.broker).toMatchObject({ url: "mqtts://centre:8883", ca: "CA", cert: "CERT", key: "KEY", username: "d1", password: "pw" });
    expect(l.signer.kid).toBe("d1-key");
    expect(l.centreKey.kid).toBe("centre");
  });

  it("a plain mqtt:// broker gets only the login (mqtt.js would otherwise start TLS)", () => {
    const dir = tmp();
    writeBundle(dir, "mqtt://127.0.0.1:1883");
    const { broker } = loadPanelBundle(dir);
    expect(broker).toEqual({ url: "mqtt://127.0.0.1:1883", username: "d1", password: "pw" });
  });

  it("a frame key file that is not a key names the file (bundle-invalid)", () => {
    const dir = tmp();
    writeBundle(dir, "mqtts://centre:8883");
    writeFileSync(join(dir, "frame.key.pem"), "not a key");
    expect(() => loadPanelBundle(dir)).toThrow(expect.objectContaining({ code: "bundle-invalid", message: expect.stringContaining(join(dir, "frame.key.pem")) }));
  });

  it("a missing client certificate names the file (bundle-unreadable)", () => {
    const dir = tmp();
    writeBundle(dir, "mqtts://centre:8883");
    rmSync(join(dir, "panel.cert.pem"));
    expect(() => loadPanelBundle(dir)).toThrow(expect.objectContaining({ code: "bundle-unreadable", message: expect.stringContaining(join(dir, "panel.cert.pem")) }));
  });
});
