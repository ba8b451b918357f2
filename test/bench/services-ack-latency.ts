/**
 * Does the services' work hold the panel's ACK? alarm-centre (in this process, SQLite store, embedded
 * broker) with the services attached to its receiver; a panel (mqtt.js with a provisioned bundle) sends
 * burglary alarms on distinct zones, each one a new incident with its plan's tasks when the panel is on an
 * installation. Measured: the panel's publish -> signed ACK round trip, one alarm at a time and in bursts,
 * with the panel on an installation ("incidents": the services open an incident per alarm) and not
 * ("no installation": the services look the panel up and do nothing), and how long after the last ACK the
 * last incident shows in the API.
 *
 *   npx tsx test/bench/services-ack-latency.ts [alarms=300] [burst=20]
 *
 * A burst above 64 overfills the receiver's per-panel queue (fair-intake.ts, twice a gateway's send
 * window): the rest waits for the panel's resend, 2 s here, with or without the services.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { privateKeyFromPem, publicKeyFromPem } from "../../protocol/index.js";
import type { ServiceLogger } from "../../protocol/cli/log.js";
import { freePort } from "../../simulator/centre/broker/broker-mosquitto.js";
import { runProvision } from "../../simulator/centre/cli/alarm-provision.js";
import type { PanelBundle } from "../../simulator/centre/pki/provisioning.js";
import { main as centreMain } from "../../simulator/console/centre-command.js";
import { TestPanel, burglary } from "../centre/test-panel.js";
import { percentile } from "./figure.js";
import { login, withToken } from "../support/services-http.js";

const ALARMS = Number(process.argv[2] ?? 300);
const BURST = Number(process.argv[3] ?? 20);
const PASSWORD = "bench-admin-pass";

const quiet: ServiceLogger = { log: () => {}, child: () => quiet, flush: () => {} };
const pct = (xs: number[], p: number) => percentile([...xs].sort((a, b) => a - b), p);
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function run(withInstallation: boolean): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "svc-ack-bench-"));
  const centre = join(dir, "centre");
  const port = await freePort();
  const silent = () => {};
  await runProvision(["--centre", centre, "--init"], silent);
  await runProvision(["--centre", centre, "--panel", "B1", "--out", join(dir, "B1"), "--broker", `mqtts://localhost:${port}`], silent);
  await runProvision(["--centre", centre, "--add-operator", "root", "--role", "admin"], silent, async () => PASSWORD);
  let stop: (why: string) => void = () => {};
  let httpPort = 0;
  const exited = centreMain(["--centre", centre, "--mqtt", `127.0.0.1:${port}`, "--http", "127.0.0.1:0", "--metrics", "127.0.0.1:0"], undefined, {
    logger: quiet,
    stopSignal: new Promise((r) => (stop = r)),
    started: (s) => (httpPort = s.httpPort),
  });
  while (httpPort === 0) await new Promise((r) => setTimeout(r, 20));
  const base = `http://127.0.0.1:${httpPort}`;
  const { token } = (await (await login(base, "root", PASSWORD)).json()) as { token: string };
  const api = async (method: string, path: string, body?: unknown) => (await withToken(base, token, method, path, body)).json();
  if (withInstallation) {
    const inst = (await api("POST", "/api/installations", { name: "Bench", address: "1 Bench Road", timeZone: "UTC" })) as { id: number };
    await api("POST", `/api/installations/${inst.id}/panels`, { panel: "B1" });
    await api("PUT", `/api/installations/${inst.id}/contacts`, [{ name: "Owner", phone: "+49 30 1" }]);
  }
  const b = JSON.parse(readFileSync(join(dir, "B1", "panel.json"), "utf8")) as PanelBundle;
  const panel = await TestPanel.connect({
    url: `mqtts://localhost:${port}`,
    panel: "B1",
    signer: { kid: b.kid, key: privateKeyFromPem(readFileSync(join(dir, "B1", b.frameKey))) },
    centre: { kid: b.centre.kid, key: publicKeyFromPem(b.centre.publicKey) },
    connect: { key: readFileSync(join(dir, "B1", b.clientKey)), cert: readFileSync(join(dir, "B1", b.clientCert)), ca: b.caCert, protocolVersion: 4 },
  });
  try {
    const one: number[] = [];
    let zone = 1;
    for (let i = 0; i < ALARMS; i++) {
      const t0 = performance.now();
      await panel.deliver(burglary(zone++, Date.now()), 2_000, 30_000);
      one.push(performance.now() - t0);
    }
    const bursts: number[] = [];
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      await Promise.all(Array.from({ length: BURST }, () => panel.deliver(burglary(zone++, Date.now()), 2_000, 30_000)));
      bursts.push(performance.now() - t0);
    }
    const lastAck = performance.now();
    const expected = zone - 1;
    let lag = 0;
    if (withInstallation) {
      while (((await api("GET", "/api/incidents?state=open")) as unknown[]).length < expected) await new Promise((r) => setTimeout(r, 5));
      lag = performance.now() - lastAck;
    }
    const label = withInstallation ? "incidents      " : "no installation";
    console.log(
      `${label}  one at a time (${ALARMS}): p50 ${ms(pct(one, 50))}  p99 ${ms(pct(one, 99))}  max ${ms(Math.max(...one))}` +
        `  |  burst of ${BURST} to all ACKed: ${bursts.map(ms).join(", ")}` +
        (withInstallation ? `  |  last incident in the API ${ms(lag)} after the last ACK (${expected} incidents)` : ""),
    );
  } finally {
    await panel.client.endAsync(true);
    stop("bench done");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

await run(false);
await run(true);
