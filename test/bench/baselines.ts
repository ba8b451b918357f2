/**
 * The baselines every figure is compared with, measured in the same run on the same machine:
 * raw Ed25519 verifications, raw durable SQLite commits, and bare mqtt.js QoS 1 traffic.
 */
import { generateKeyPairSync, sign, verify } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import mqtt, { type MqttClient } from "mqtt";
import { topics } from "../../protocol/index.js";
import { percentile } from "./figure.js";

/** Raw node:crypto Ed25519 verifications per second on one core. */
export function rawVerifyRate(ms: number): number {
  return verifyLoop(ms).n / (ms / 1000);
}

/**
 * CPU microseconds per raw node:crypto Ed25519 verification (this process's user + system time over the
 * loop): the same unit as a receiver's CPU per frame, so that neither side counts time the 2 shared cores
 * spent on other processes (a wall-clock rate does, whenever anything else runs).
 */
export function rawVerifyCpuUs(ms: number): number {
  const { n, cpu } = verifyLoop(ms);
  return (cpu.user + cpu.system) / n;
}

/** Verify one 100-byte message for `ms` of wall time: how many verifications, and the CPU they took. */
function verifyLoop(ms: number): { n: number; cpu: NodeJS.CpuUsage } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const msg = Buffer.alloc(100, 1);
  const sig = sign(null, msg, privateKey);
  let n = 0;
  const cpu0 = process.cpuUsage();
  const end = performance.now() + ms;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) verify(null, msg, publicKey, sig);
    n += 100;
  }
  return { n, cpu: process.cpuUsage(cpu0) };
}

/** Raw better-sqlite3 durable single-row commits per second (WAL, synchronous=FULL). */
export function rawDurableCommitRate(ms: number): number {
  const dir = mkdtempSync(join(tmpdir(), "bench-sqlite-"));
  const db = new Database(join(dir, "raw.db"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
  const ins = db.prepare("INSERT INTO t (body) VALUES (?)");
  const body = Buffer.alloc(128, 2);
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    ins.run(body); // autocommit: one durable transaction per row
    n++;
  }
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return n / (ms / 1000);
}

/** aedes speaks MQTT 3.1.1 only ("MQTT 5.0: not supported yet" in its README); Mosquitto speaks 5. */
export type MqttVersion = 4 | 5;

/**
 * A bench client. On the centre's broker a panel's client id and user name are its panel id, and a
 * receiver's are `receiver@<name>` and `receiver-<name>` (simulator/centre/broker/broker.ts); Mosquitto takes them as they are.
 */
export async function connect(url: string, who: { panel: string } | { receiver: string }, protocolVersion: MqttVersion = 4): Promise<MqttClient> {
  const [clientId, username] = "panel" in who ? [who.panel, who.panel] : [`receiver@${who.receiver}`, `receiver-${who.receiver}`];
  const c = mqtt.connect(url, { clientId, username, password: "bench", protocolVersion, reconnectPeriod: 0, clean: true });
  await new Promise<void>((resolve, reject) => {
    c.once("connect", () => resolve());
    c.once("error", reject);
  });
  // mqtt.js leaves Nagle on: every QoS 1 round trip would cost ~88 ms through delayed ACKs.
  (c.stream as unknown as { setNoDelay?: (v: boolean) => void }).setNoDelay?.(true);
  return c;
}

export async function end(c: MqttClient): Promise<void> {
  await new Promise<void>((r) => c.end(false, {}, () => r()));
}

/**
 * A bare mqtt.js QoS 1 publish-and-reply round trip through the broker, on the alarm path's own topics
 * (panel publishes up, a receiver answers down), so the broker's ACL and routing cost is in the baseline.
 */
export interface RoundTripper {
  /** One round trip; its latency in ms. */
  once(): Promise<number>;
  close(): Promise<void>;
}

/** The answering end of the round trip: a receiver-role client that sends every uplink of `panel` back down. */
export async function startEcho(url: string, v: MqttVersion, panel: string): Promise<{ close(): Promise<void> }> {
  const b = await connect(url, { receiver: `echo-${panel}` }, v);
  await b.subscribeAsync(topics.up(panel), { qos: 1 });
  b.on("message", (_t, payload) => void b.publish(topics.down(panel), payload, { qos: 1 }));
  return { close: () => end(b) };
}

/**
 * `echo: false`: the answering end runs elsewhere (startEcho in the alarm-latency bench's centre process,
 * latency-centre.ts), with this `panel` id.
 */
export async function openRoundTripper(url: string, v: MqttVersion, o: { panel?: string; echo?: boolean } = {}): Promise<RoundTripper> {
  const panel = o.panel ?? `rt-${process.pid}`;
  const a = await connect(url, { panel }, v);
  const echo = o.echo === false ? undefined : await startEcho(url, v, panel);
  await a.subscribeAsync(topics.down(panel), { qos: 1 });
  const body = Buffer.alloc(128, 3);
  return {
    async once() {
      const t0 = performance.now();
      const got = new Promise<void>((r) => a.once("message", () => r()));
      await a.publishAsync(topics.up(panel), body, { qos: 1 });
      await got;
      return performance.now() - t0;
    },
    close: async () => void (await Promise.all([end(a), echo?.close()])),
  };
}

export async function bareRoundTrips(url: string, n: number, v: MqttVersion): Promise<{ p50: number; p99: number; samples: number }> {
  const rt = await openRoundTripper(url, v);
  const lat: number[] = [];
  for (let i = 0; i < n; i++) lat.push(await rt.once());
  await rt.close();
  lat.sort((x, y) => x - y);
  return { p50: percentile(lat, 50), p99: percentile(lat, 99), samples: n };
}

/** Raw QoS 1 publish throughput through the broker to one subscriber (uplink topic), messages per second. */
export async function rawQos1Throughput(url: string, n: number, v: MqttVersion, window = 32): Promise<number> {
  const panel = `tp-${process.pid}`;
  const pub = await connect(url, { panel }, v);
  const sub = await connect(url, { receiver: `tp${process.pid}` }, v);
  await sub.subscribeAsync(topics.up(panel), { qos: 1 });
  let received = 0;
  const all = new Promise<void>((r) => sub.on("message", () => ++received === n && r()));
  const body = Buffer.alloc(128, 4);
  const t0 = performance.now();
  let sent = 0;
  const lanes = Array.from({ length: window }, async () => {
    while (sent < n) {
      sent++;
      await pub.publishAsync(topics.up(panel), body, { qos: 1 });
    }
  });
  await Promise.all(lanes);
  await all;
  const rate = n / ((performance.now() - t0) / 1000);
  await Promise.all([end(pub), end(sub)]);
  return rate;
}
