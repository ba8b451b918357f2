/**
 * One whole alarm system on one machine: the centre (broker, store, receiver) and one panel started
 * through the device wiring the panel command uses on a Raspberry Pi (gateway/device/start-device.ts),
 * with the simulated board as its IO plugin and plain-TCP logins instead of certificates. The demo, the
 * end-to-end tests and the alarm-latency benchmark start it through here.
 *
 * The broker is the embedded aedes on loopback (default), a given one (e.g. a bench Mosquitto), or the
 * simulated broker on a FakeClock (`sim`), where nothing touches a socket and time moves only when the
 * test advances it.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseConfig, zoneLevel, type PanelConfig, type PanelConfigInput, type PanelRuntime } from "../../firmware/index.js";
import type { Gateway } from "../../gateway/gateway.js";
import { startDevice } from "../../gateway/device/start-device.js";
import type { Connector } from "../../gateway/transport.js";
import type { CategoryName } from "../../protocol/index.js";
import { generateEd25519, privateKeyFromPem, publicKeyFromPem, type Event, type Trace } from "../../protocol/index.js";
import type { FakeClock } from "../../protocol/clock.js";
import { startBroker, type RunningBroker } from "../centre/broker/broker.js";
import { passwordLogin } from "../centre/broker/broker-login.js";
import { CentreStore } from "../centre/store/centre-store.js";
import { silentLogger, type Logger } from "../centre/logger.js";
import { Receiver } from "../centre/receiver/receiver.js";
import { SimBroker, simConnector } from "../board/sim-connector.js";
import type { SimIO } from "../board/sim-io.js";
import { simBoardFor } from "../board/sim-board.js";

export interface SystemOptions {
  /** Panel config (validated here). */
  readonly panelConfig: PanelConfigInput;
  readonly panelId?: string;
  /** EN 50136 category of the panel's transmission (default SP4: 180 s). */
  readonly category?: CategoryName;
  /** Working directory for the SQLite files; a fresh temporary one when omitted (removed at stop). */
  readonly dir?: string;
  readonly logger?: Logger;
  /** Gateway ACK timeout, ms (default 5 s). */
  readonly ackTimeoutMs?: number;
  /** Use this broker (it must let the panel and a receiver in with any password, e.g. a bench Mosquitto)
   *  instead of starting the embedded one. */
  readonly broker?: { readonly url: string; readonly protocolVersion: 4 | 5 };
  /** Run on the simulated broker with this clock instead of sockets (panel, gateway and receiver). */
  readonly sim?: { readonly clock: FakeClock };
  /** Told of every event the panel reports, with the sequence number its durable enqueue gave it. */
  readonly onReport?: (event: Event, seq: number) => void;
  /** The embedded broker's TCP port (default: a free one). */
  readonly port?: number;
  /** Per-stage tracing of the gateway and the receiver (protocol/trace.ts), for the benchmarks. */
  readonly trace?: Trace;
}

export interface RunningSystem {
  readonly panelId: string;
  readonly config: PanelConfig;
  /** The embedded broker, when the system started one. */
  readonly broker: RunningBroker | undefined;
  /** The simulated broker, with `sim`. */
  readonly simBroker: SimBroker | undefined;
  readonly url: string;
  /** The panel's public frame key (SPKI PEM), for `alarmctl decode --pub`. */
  readonly panelPublicPem: string;
  /** A read-only tap on the uplink for `mosquitto_sub` (embedded broker only): receiver rights, no ACKs. */
  readonly tap?: { readonly clientId: string; readonly username: string; readonly password: string };
  readonly centre: CentreStore;
  readonly receiver: Receiver;
  readonly gateway: Gateway;
  readonly panel: PanelRuntime;
  readonly io: SimIO;
  /** Drive a zone's contact as its wiring would (debounced by the panel like a real detector). */
  setZone(zone: number, open: boolean): void;
  stop(): Promise<void>;
}

export async function startSystem(opts: SystemOptions): Promise<RunningSystem> {
  const panelId = opts.panelId ?? "panel-0001";
  const category = opts.category ?? "SP4";
  const log = opts.logger ?? silentLogger;
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "open-alarm-"));
  const config = parseConfig(opts.panelConfig);
  const clock = opts.sim?.clock;
  const now = clock?.now() ?? Date.now();

  // Centre: its downlink key, the panel's registration (frame key, category, broker password).
  const centreKeys = generateEd25519();
  const panelKeys = generateEd25519();
  const panelPassword = randomBytes(12).toString("base64url");
  const receiverPassword = randomBytes(12).toString("base64url");
  const tapPassword = randomBytes(9).toString("hex");
  const centre = CentreStore.open(join(dir, "centre.db"));
  centre.registry.addPanel(panelId, category, now);
  centre.registry.addFrameKey(panelId, panelId, panelKeys.publicPem, now);
  centre.registry.setPassword(panelId, panelPassword);

  const simBroker = clock ? new SimBroker("mqtt://sim:1883", clock) : undefined;
  const connector: Connector | undefined = simBroker ? simConnector([simBroker]) : undefined;
  const broker =
    opts.broker || simBroker
      ? undefined
      : await startBroker({
          logger: log,
          port: opts.port ?? 0,
          login: passwordLogin(centre.registry, [
            { username: "receiver", password: receiverPassword, identity: { role: "receiver", name: "r1" } },
            { username: "tap", password: tapPassword, identity: { role: "receiver", name: "tap" } },
          ]),
        });
  const url = simBroker?.url ?? opts.broker?.url ?? `mqtt://127.0.0.1:${broker!.port}`;
  const protocolVersion = opts.broker?.protocolVersion ?? 4;
  const receiver = new Receiver({
    url,
    store: centre,
    centreKey: { kid: "centre", key: privateKeyFromPem(centreKeys.privatePem) },
    name: "r1",
    connect: { username: "receiver", password: receiverPassword, protocolVersion },
    ...(opts.trace ? { trace: opts.trace } : {}),
    logger: log,
    ...(connector ? { connector } : {}),
    ...(clock ? { clock } : {}),
  });
  const receiverUp = receiver.start();
  if (clock && simBroker) clock.advance(simBroker.latencyMs); // the simulated broker's connect latency
  await receiverUp;

  // Panel: the device wiring, on the simulated board with every zone secure at start.
  const io = simBoardFor(config);
  const device = await startDevice({
    config,
    io,
    dataDir: dir,
    link: {
      panel: panelId,
      category,
      signer: { kid: panelId, key: privateKeyFromPem(panelKeys.privatePem) },
      centreKey: { kid: "centre", key: publicKeyFromPem(centreKeys.publicPem) },
      broker: { url, username: panelId, password: panelPassword, protocolVersion },
    },
    ...(connector ? { connector } : {}),
    ...(clock ? { clock } : {}),
    ...(opts.ackTimeoutMs !== undefined ? { ackTimeoutMs: opts.ackTimeoutMs } : {}),
    ...(opts.onReport ? { onReport: opts.onReport } : {}),
    ...(opts.trace ? { trace: opts.trace } : {}),
    log: (level, msg) => log.log(level, `gateway: ${msg}`),
  });

  return {
    panelId,
    config,
    broker,
    simBroker,
    url,
    panelPublicPem: panelKeys.publicPem,
    ...(broker ? { tap: { clientId: "receiver@tap", username: "tap", password: tapPassword } } : {}),
    centre,
    receiver,
    gateway: device.gateway,
    panel: device.panel,
    io,
    setZone(zone, open) {
      const z = config.zones.find((x) => x.zone === zone);
      if (!z || typeof z.pin !== "number") throw new RangeError(`no wired zone ${zone}`);
      io.setLevel(z.pin, zoneLevel(z.wiring, open));
    },
    async stop() {
      await device.stop();
      await receiver.stop();
      await broker?.close();
      centre.close();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
