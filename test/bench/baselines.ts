/**
 * The baselines every figure is compared with, measured in the same run on the same machine (issue #5):
 * raw Ed25519 verifications, raw durable SQLite commits, and bare mqtt.js QoS 1 traffic.
 */
import { generateKeyPairSync, sign, verify } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import mqtt, { type MqttClient } from "mqtt";
import { percentile } from "./figure.js";

/** Raw node:crypto Ed25519 verifications per second on one core. */
export function rawVerifyRate(ms: number): number {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const msg = Buffer.alloc(100, 1);
  const sig = sign(null, msg, privateKey);
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) verify(null, msg, publicKey, sig);
    n += 100;
  }
  return n / (ms / 1000);
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

export async function connect(url: string, clientId: string, protocolVersion: MqttVersion = 4): Promise<MqttClient> {
  const c = mqtt.connect(url, { clientId, protocolVersion, reconnectPeriod: 0, clean: true });
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

/** A bare mqtt.js QoS 1 publish-and-reply round trip through the broker: latencies in ms, sorted. */
export async function bareRoundTrips(url: string, n: number, v: MqttVersion): Promise<{ p50: number; p99: number; samples: number }> {
  const a = await connect(url, `bench-rt-a-${process.pid}`, v);
  const b = await connect(url, `bench-rt-b-${process.pid}`, v);
  await b.subscribeAsync("bench/rt/req", { qos: 1 });
  await a.subscribeAsync("bench/rt/rep", { qos: 1 });
  b.on("message", (_t, payload) => void b.publish("bench/rt/rep", payload, { qos: 1 }));
  const lat: number[] = [];
  const body = Buffer.alloc(128, 3);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const got = new Promise<void>((r) => a.once("message", () => r()));
    await a.publishAsync("bench/rt/req", body, { qos: 1 });
    await got;
    lat.push(performance.now() - t0);
  }
  await Promise.all([end(a), end(b)]);
  lat.sort((x, y) => x - y);
  return { p50: percentile(lat, 50), p99: percentile(lat, 99), samples: n };
}

/** Raw QoS 1 publish throughput through the broker to one subscriber, messages per second. */
export async function rawQos1Throughput(url: string, n: number, v: MqttVersion, window = 32): Promise<number> {
  const pub = await connect(url, `bench-tp-p-${process.pid}`, v);
  const sub = await connect(url, `bench-tp-s-${process.pid}`, v);
  await sub.subscribeAsync("bench/tp", { qos: 1 });
  let received = 0;
  const all = new Promise<void>((r) => sub.on("message", () => ++received === n && r()));
  const body = Buffer.alloc(128, 4);
  const t0 = performance.now();
  let sent = 0;
  const lanes = Array.from({ length: window }, async () => {
    while (sent < n) {
      sent++;
      await pub.publishAsync("bench/tp", body, { qos: 1 });
    }
  });
  await Promise.all(lanes);
  await all;
  const rate = n / ((performance.now() - t0) / 1000);
  await Promise.all([end(pub), end(sub)]);
  return rate;
}
