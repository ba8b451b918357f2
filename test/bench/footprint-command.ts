/**
 * The real panel command as systemd starts it, in wall-clock time: `bin/alarm-panel.js` run through its
 * own #! line (its node flags and malloc settings) on the example config (io: sim, 8 zones) with a
 * provisioned bundle, against the centre's broker and a receiver. Prints the time to its "panel running"
 * line, its RSS 15 s later, and its CPU over the next 30 s (from /proc, 10 ms ticks).
 *   npx tsx test/bench/footprint-command.ts [--from-source]   (--from-source: the TypeScript through tsx)
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBroker } from "../../simulator/centre/broker/broker.js";
import { passwordLogin } from "../../simulator/centre/broker/broker-login.js";
import { centreSigner, initCentre, provisionPanel } from "../../simulator/centre/pki/provisioning.js";
import { Receiver } from "../../simulator/centre/receiver/receiver.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
const ROOT = join(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "cmd-"));
const centre = initCentre(join(dir, "centre"));
const store = CentreStore.open(centre.dbPath);
const rl = { username: "receiver", password: randomBytes(12).toString("base64url"), identity: { role: "receiver" as const, name: "r1" } };
const broker = await startBroker({ login: passwordLogin(store.registry, [rl]) });
provisionPanel(centre, store, { panel: "pi-1", category: "SP4", outDir: join(dir, "bundle"), broker: `mqtt://127.0.0.1:${broker.port}`, password: true });
const receiver = new Receiver({ url: `mqtt://127.0.0.1:${broker.port}`, store, centreKey: centreSigner(centre), name: "r1", connect: { username: rl.username, password: rl.password } });
await receiver.start();
const t0 = performance.now();
// Linux /proc/PID/stat: utime and stime, fields 14 and 15, in clock ticks (100 per second).
const child = spawn(join(ROOT, "bin/alarm-panel.js"), ["--config", join(ROOT, "firmware/config/example-panel.yaml"), "--bundle", join(dir, "bundle"), "--data", join(dir, "data")], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, LOG_FORMAT: "json", OPEN_ALARM_FROM_SOURCE: process.argv.includes("--from-source") ? "1" : "0" } });
let ready = 0;
child.stdout!.on("data", (d: Buffer) => {
  if (!ready && d.toString().includes("panel running")) ready = performance.now() - t0;
});
const cpuMs = () => {
  const f = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
};
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))![1]) / 1024;
await new Promise((r) => setTimeout(r, 15_000));
const c0 = cpuMs();
const w0 = performance.now();
await new Promise((r) => setTimeout(r, 30_000));
console.log(JSON.stringify({ readyMs: Math.round(ready), rssMb: rss().toFixed(1), idleCpuPct: ((100 * (cpuMs() - c0)) / (performance.now() - w0)).toFixed(3), execArgv: readFileSync(`/proc/${child.pid}/cmdline`, "utf8").split("\0").slice(0, 6) }));
child.kill("SIGTERM");
await new Promise((r) => child.once("exit", r));
await receiver.stop();
await broker.close();
store.close();
process.exit(0);
