/**
 * Measurement (not in `npm run bench`): how long a revoked panel's open session lives on in alarm-centre's
 * embedded broker on PostgreSQL, in real time, against the stated bound (revocation period + one load;
 * default period 2 s). The bins run as processes, as installed: alarm-provision --init --store URL, a
 * panel connected with its certificate, alarm-provision --revoke, the time from that command's exit
 * (after its commit) to the broker closing the session; PANELS panels, each revoked at a random moment.
 *
 *   npx tsx test/bench/revocation-delay.ts [PANELS]
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import mqtt from "mqtt";
import { freePort } from "../../simulator/centre/broker/broker-mosquitto.js";
import { createDatabase, startPostgres } from "../support/postgres.js";

const PANELS = Number(process.argv[2] ?? 10);
const env = { ...process.env, OPEN_ALARM_FROM_SOURCE: "1", LOG_FORMAT: "json" };
const server = await startPostgres();
const dir = mkdtempSync(join(tmpdir(), "revocation-delay-"));
const centre = join(dir, "centre");
try {
  const url = await createDatabase(server, "revocation");
  const port = await freePort();
  const provision = (...args: string[]) => {
    const r = spawnSync(process.execPath, ["bin/alarm-provision.js", "--centre", centre, ...args], { env, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`alarm-provision ${args.join(" ")}: ${r.stderr}`);
  };
  provision("--init", "--store", url);
  const child = spawn(process.execPath, ["bin/alarm-centre.js", "--centre", centre, "--mqtt", `127.0.0.1:${port}`, "--http", "127.0.0.1:0", "--metrics", "127.0.0.1:0"], { env, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve) => createInterface({ input: child.stdout! }).on("line", (l) => l.includes('"centre running"') && resolve()));
  const delays: number[] = [];
  for (let i = 0; i < PANELS; i++) {
    const id = `RV${i}`;
    provision("--panel", id, "--out", join(dir, id));
    const read = (f: string) => readFileSync(join(dir, id, f));
    const c = await mqtt.connectAsync(`mqtts://localhost:${port}`, { clientId: id, reconnectPeriod: 0, ca: readFileSync(join(centre, "ca.cert.pem")), cert: read("panel.cert.pem"), key: read("panel.key.pem") });
    const closed = new Promise<number>((resolve) => c.once("close", () => resolve(performance.now())));
    await new Promise((r) => setTimeout(r, Math.random() * 2_000)); // a random phase of the reload
    provision("--revoke", id);
    const revoked = performance.now();
    delays.push((await closed) - revoked);
  }
  child.kill("SIGTERM");
  delays.sort((a, b) => a - b);
  const at = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))]!.toFixed(0);
  console.log(`revoked session cut after alarm-provision --revoke exited, ${PANELS} panels, period 2000 ms: min ${at(0)} ms, median ${at(0.5)} ms, max ${at(1)} ms`);
} finally {
  await server.destroy();
  rmSync(dir, { recursive: true, force: true });
}
