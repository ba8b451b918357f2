/**
 * Brokers the benchmarks run against: the embedded aedes (the centre's own setup) and a Mosquitto
 * process started here with `set_tcp_nodelay true` and queue limits that never drop an alarm.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBroker } from "../../simulator/centre/broker/broker.js";
import { startBrokerThread } from "../../simulator/centre/broker/broker-thread.js";
import { freePort, waitForPort } from "../../simulator/centre/broker/broker-mosquitto.js";

export interface BenchBroker {
  readonly name: string;
  readonly url: string;
  readonly mqttVersion: 4 | 5;
  close(): Promise<void>;
}

/**
 * The centre's own embedded broker (simulator/centre/broker/broker.ts: aedes with TCP_NODELAY, topic ACL and its shared
 * subscriptions), with a bench login: user names starting "receiver" get the receiver role, any other
 * name is a panel of that id. Clients must use the broker's client-id rule (`<panel>`, `receiver@<name>`).
 */
export async function startAedesBroker(): Promise<BenchBroker> {
  const b = await startBroker({
    login: (username) => (username.startsWith("receiver") ? { role: "receiver", name: username } : { role: "panel", name: username }),
  });
  return { name: "aedes", url: `mqtt://127.0.0.1:${b.port}`, mqttVersion: 4, close: () => b.close() };
}

/** The embedded aedes on its own thread of this process (broker-thread.ts), as alarm-centre runs it. */
export async function startAedesThread(): Promise<BenchBroker> {
  const b = await startBrokerThread({ login: { kind: "by-username" } });
  return { name: "aedes", url: `mqtt://127.0.0.1:${b.port}`, mqttVersion: 4, close: () => b.close() };
}

export function mosquittoPath(): string | undefined {
  return ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"].find((p) => existsSync(p));
}

export async function startMosquittoBroker(): Promise<BenchBroker> {
  const bin = mosquittoPath();
  if (!bin) throw new Error("mosquitto is not installed (apt-get install mosquitto)");
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "bench-mosq-"));
  const conf = join(dir, "mosquitto.conf");
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      "allow_anonymous true",
      "set_tcp_nodelay true",
      // Mosquitto drops QoS 1 messages to a slow subscriber past max_queued_messages (1,000 by default).
      "max_queued_messages 0",
      "max_inflight_messages 0",
      "persistence false",
      "log_type error",
      "",
    ].join("\n"),
  );
  const proc: ChildProcess = spawn(bin, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
  let out = "";
  proc.stderr?.on("data", (d) => (out += d));
  await waitForPort(proc, port, () => out);
  return {
    name: "mosquitto",
    mqttVersion: 5,
    url: `mqtt://127.0.0.1:${port}`,
    close: async () => {
      proc.kill("SIGTERM");
      await new Promise((r) => proc.once("exit", r));
    },
  };
}
