/**
 * Figure 3b: backlog drain. The gateway holds N events from an outage (enqueued durably while it had no
 * link); then it connects, and we time until the centre (a receiver process storing durably) has
 * acknowledged all of them. Baseline: raw QoS 1 publish throughput through the same broker.
 */
import { fork } from "node:child_process";
import { createPublicKey } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Gateway } from "../../gateway/gateway.js";
import { DEFAULT_BATCH_EVENTS } from "../../gateway/gateway-options.js";
import { Cid, Qualifier, generateEd25519, privateKeyFromPem } from "../../protocol/index.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { initCentre } from "../../simulator/centre/pki/provisioning.js";
import { rawQos1Throughput } from "./baselines.js";
import type { BenchBroker } from "./brokers.js";
import { figure, type Figure } from "./figure.js";
import type { BenchOptions } from "./run.js";

const ROOT = join(import.meta.dirname, "../..");

/**
 * Drain `events` through `broker`, in events/s (each event its own seq; a batch frame carries up to
 * `batchEvents` of them: protocol/event-batch.ts); `maxWindow` lets the send window grow while it pays
 * (window-size.ts).
 */
export async function drainRate(broker: BenchBroker, events: number, maxWindow = 32, batchEvents = DEFAULT_BATCH_EVENTS): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "bench-drain-"));
  const centre = initCentre(join(dir, "centre"));
  const panelKeys = generateEd25519();
  const store = CentreStore.open(centre.dbPath);
  store.registry.addPanel("drain-1", "SP4", Date.now());
  store.registry.addFrameKey("drain-1", "drain-1", panelKeys.publicPem, Date.now());
  store.close();
  const receiver = fork(join(ROOT, "simulator/centre/receiver/receiver-main.ts"), ["--centre", centre.dir, "--url", broker.url, "--name", "drain", "--username", "receiver-drain", "--password", "bench", "--protocol-version", String(broker.mqttVersion), "--quiet"], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  await new Promise<void>((resolve, reject) => {
    receiver.once("message", () => resolve());
    receiver.once("exit", (code) => reject(new Error(`receiver exited with ${code}`)));
  });
  const gw = new Gateway({
    panel: "drain-1",
    signer: { kid: "drain-1", key: privateKeyFromPem(panelKeys.privatePem) },
    centreKey: { kid: centre.centreKid, key: createPublicKey(privateKeyFromPem(centre.centreKeyPem)) },
    db: join(dir, "gateway.db"),
    brokers: [{ url: broker.url, protocolVersion: broker.mqttVersion, username: "drain-1", password: "bench" }],
    category: "SP4",
    maxWindow,
    batchEvents,
    status: () => ({ areas: [], troubles: [] }),
    onCommand: (c) => ({ id: c.id, ok: false, error: "unavailable" }),
    onLink: () => {},
  });
  try {
    // The outage: events pile up in the outbox (group commits of 100, like a panel flushing a burst).
    const at = Date.now();
    for (let i = 0; i < events; i += 100) {
      for (let j = i; j < Math.min(events, i + 100); j++) gw.report({ code: Cid.OpenClose, q: Qualifier.Restore, area: 1, user: 1 + (j % 99), at });
    }
    let done!: () => void;
    const drained = new Promise<void>((r) => (done = r));
    gw.on("acked", () => gw.depth().total === 0 && done());
    const t0 = performance.now();
    await gw.start();
    await drained;
    return events / ((performance.now() - t0) / 1000);
  } finally {
    await gw.stop();
    receiver.kill("SIGTERM");
    await new Promise((r) => receiver.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function backlogDrainFigures(opts: BenchOptions, broker: BenchBroker): Promise<Figure[]> {
  const events = opts.quick ? 1_000 : 100_000;
  const raw = await rawQos1Throughput(broker.url, opts.quick ? 1_000 : 50_000, broker.mqttVersion);
  const ours = await drainRate(broker, events);
  return [
    figure(
      { name: `backlog drain, ${events} events (${broker.name})`, value: ours, unit: "events/s", baseline: raw, baselineName: "raw QoS 1 publish throughput", target: "ratio >= 0.5" },
      (_v, r) => r >= 0.5,
    ),
  ];
}
