/**
 * The panel process of figure 4, run as a child by footprint.ts on plain node: firmware with 32 zones on
 * the simulated board plus the gateway connected to a broker, every module loaded from the built
 * JavaScript (dist/) the panel command runs. It reports, over IPC: the time from process start to ready,
 * RSS after 10 minutes of virtual activity, and CPU use while idle.
 *   argv: <distDir> <brokerUrl> <mqttVersion> <idleMs>
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Firmware from "../../firmware/index.js";
import type { PanelConfigInput } from "../../firmware/index.js";
import type * as Device from "../../gateway/device/start-device.js";
import type * as Keys from "../../protocol/keys.js";
import type * as Board from "../../simulator/board/sim-board.js";

const [dist = "", url = "", version = "4", idleArg = "5000"] = process.argv.slice(2);
const load = <T>(path: string) => import(pathToFileURL(join(dist, path)).href) as Promise<T>;
// What the panel command loads (firmware, device wiring), plus the simulated board and test keys.
const { FakeClock, hashCode, keySequence, parseConfig, zoneLevel } = await load<typeof Firmware>("firmware/index.js");
const { startDevice } = await load<typeof Device>("gateway/device/start-device.js");
const { simBoardFor } = await load<typeof Board>("simulator/board/sim-board.js");
const { generateEd25519, privateKeyFromPem, publicKeyFromPem } = await load<typeof Keys>("protocol/keys.js");
const ZONES = 32;
const dir = mkdtempSync(join(tmpdir(), "bench-footprint-"));
const config = parseConfig({
  grade: 2,
  io: "sim",
  timing: { exitDelayMs: 30_000, entryDelayMs: 30_000 },
  areas: [{ area: 1 }, { area: 2 }],
  zones: Array.from({ length: ZONES }, (_, i) => ({ zone: i + 1, type: i === 0 ? "entry-exit" : "instant", pin: i + 2, areas: [1 + (i % 2)], chime: i < 4 })),
  outputs: { siren: 40, strobe: 41, armedLed: 42, troubleLed: 43, memoryLed: 44 },
  users: [{ user: 1, areas: [1, 2], perms: ["disarm", "bypass"], codeHash: hashCode("1357") }],
} as PanelConfigInput);
const clock = new FakeClock(Date.now());
const io = simBoardFor(config);
const keys = generateEd25519();
const centre = generateEd25519();
const device = await startDevice({
  config,
  io,
  clock,
  dataDir: dir,
  link: {
    panel: "fp-1",
    category: "SP4",
    signer: { kid: "fp-1", key: privateKeyFromPem(keys.privatePem) },
    centreKey: { kid: "centre", key: publicKeyFromPem(centre.publicPem) },
    broker: { url, protocolVersion: Number(version) as 4 | 5, username: "fp-1", password: "bench" },
  },
});
const panel = device.panel;
const readyMs = performance.now(); // ms since this process started (performance.timeOrigin)

// Ten minutes of virtual activity: every second a zone opens or closes again; arm and disarm each minute.
const press = (s: string) => keySequence(s).forEach((key) => panel.input({ type: "key", key }));
for (let s = 0; s < 600; s++) {
  const z = config.zones[(Math.floor(s / 2) * 7) % ZONES]!;
  if (s % 60 === 10) press("1357 away");
  if (s % 60 === 40) press("1357 off");
  io.setLevel(z.pin as number, zoneLevel(z.wiring, s % 2 === 0));
  clock.advance(1_000);
  if (s % 50 === 0) await new Promise((r) => setImmediate(r));
}
for (const z of config.zones) io.setLevel(z.pin as number, zoneLevel(z.wiring, false));
clock.advance(1_000);
await new Promise((r) => setTimeout(r, 200));
global.gc?.();
const rssMb = process.memoryUsage().rss / 2 ** 20;

const idleMs = Number(idleArg);
const c0 = process.cpuUsage();
const t0 = performance.now();
await new Promise((r) => setTimeout(r, idleMs));
const c1 = process.cpuUsage(c0);
const idleCpuPct = (100 * (c1.user + c1.system)) / 1000 / (performance.now() - t0);

process.send?.({ readyMs, rssMb, idleCpuPct, logEntries: device.store.count() });
await device.stop();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
