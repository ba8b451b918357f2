/**
 * One whole alarm system on loopback: the centre (embedded aedes broker, store, receiver) and one panel
 * (firmware on the simulated board, gateway with its outbox), wired exactly as production wires them
 * but with plain-TCP logins instead of certificates. The demo, the end-to-end tests and the alarm-latency
 * benchmark all start it through here, so there is one wiring to keep right.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PanelRuntime, SqliteStore, parseConfig, zoneLevel, type PanelConfig, type PanelConfigInput } from "../../firmware/index.js";
import { Gateway } from "../../gateway/gateway.js";
import type { CategoryName } from "../../protocol/index.js";
import { generateEd25519, privateKeyFromPem, publicKeyFromPem, type Event, type Trace } from "../../protocol/index.js";
import { startBroker, type RunningBroker } from "../centre/broker/broker.js";
import { passwordLogin } from "../centre/broker/broker-login.js";
import { CentreStore } from "../centre/store/centre-store.js";
import { silentLogger, type Logger } from "../centre/logger.js";
import { Receiver } from "../centre/receiver/receiver.js";
import { SimIO } from "../board/sim-io.js";

export interface SystemOptions {
  /** Panel config (validated); the demo's own when omitted. */
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
  /** Told of every event the panel reports, with the sequence number its durable enqueue gave it. */
  readonly onReport?: (event: Event, seq: number) => void;
  /** Per-stage tracing of the gateway and the receiver (protocol/trace.ts), for the benchmarks. */
  readonly trace?: Trace;
}

export interface RunningSystem {
  readonly panelId: string;
  readonly config: PanelConfig;
  /** The embedded broker, when the system started one. */
  readonly broker: RunningBroker | undefined;
  readonly url: string;
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
  const now = Date.now();

  // Centre: its downlink key, the panel's registration (frame key, category, broker password).
  const centreKeys = generateEd25519();
  const panelKeys = generateEd25519();
  const panelPassword = randomBytes(12).toString("base64url");
  const receiverPassword = randomBytes(12).toString("base64url");
  const centre = CentreStore.open(join(dir, "centre.db"));
  centre.registry.addPanel(panelId, category, now);
  centre.registry.addFrameKey(panelId, panelId, panelKeys.publicPem, now);
  centre.registry.setPassword(panelId, panelPassword);

  const broker = opts.broker
    ? undefined
    : await startBroker({
        logger: log,
        login: passwordLogin(centre.registry, [{ username: "receiver", password: receiverPassword, identity: { role: "receiver", name: "r1" } }]),
      });
  const url = opts.broker?.url ?? `mqtt://127.0.0.1:${broker!.port}`;
  const protocolVersion = opts.broker?.protocolVersion ?? 4;
  const receiver = new Receiver({
    url,
    store: centre,
    centreKey: { kid: "centre", key: privateKeyFromPem(centreKeys.privatePem) },
    name: "r1",
    connect: { username: "receiver", password: receiverPassword, protocolVersion },
    ...(opts.trace ? { trace: opts.trace } : {}),
    logger: log,
  });
  await receiver.start();

  // Panel: firmware on the simulated board, gateway in front of it.
  const levels = new Map<number, 0 | 1>();
  for (const z of config.zones) if (typeof z.pin === "number") levels.set(z.pin, zoneLevel(z.wiring, false));
  const io = new SimIO(64, levels);
  const store = new SqliteStore(join(dir, "panel.db"));
  let panel: PanelRuntime | undefined;
  const gateway = new Gateway({
    panel: panelId,
    signer: { kid: panelId, key: privateKeyFromPem(panelKeys.privatePem) },
    centreKey: { kid: "centre", key: publicKeyFromPem(centreKeys.publicPem) },
    db: join(dir, "gateway.db"),
    brokers: [{ url, username: panelId, password: panelPassword, protocolVersion }],
    category,
    ...(opts.ackTimeoutMs !== undefined ? { ackTimeoutMs: opts.ackTimeoutMs } : {}),
    ...(opts.trace ? { trace: opts.trace } : {}),
    status: () => panel?.summary() ?? { areas: [], troubles: [] },
    onCommand: (cmd) => panel?.remote(cmd) ?? { id: cmd.id, ok: false, error: "panel not running" },
    onLink: (up) => panel?.input({ type: "link", up }),
    // The panel core reports 350 itself when told of link loss; the gateway's own pair would double it.
    commTroubleEvents: false,
    log: (level, msg) => log.log(level, `gateway: ${msg}`),
  });
  const reporter = {
    report(e: Event): void {
      const seq = gateway.report(e);
      opts.onReport?.(e, seq);
    },
  };
  panel = new PanelRuntime({ config, io, store, reporter });
  await gateway.start();
  await panel.start();

  return {
    panelId,
    config,
    broker,
    url,
    centre,
    receiver,
    gateway,
    panel,
    io,
    setZone(zone, open) {
      const z = config.zones.find((x) => x.zone === zone);
      if (!z || typeof z.pin !== "number") throw new RangeError(`no wired zone ${zone}`);
      io.setLevel(z.pin, zoneLevel(z.wiring, open));
    },
    async stop() {
      panel?.stop();
      await gateway.stop();
      await receiver.stop();
      await broker?.close();
      store.close();
      centre.close();
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
