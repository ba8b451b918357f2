/**
 * Load through Mosquitto: many light panels (mqtt.js clients signing real frames, all in this process)
 * send SP6-like heartbeats every 20 s, staggered, and at given moments an alarm storm (every panel one
 * burglary at once); two receiver processes share the uplinks and store into one file. Every frame is
 * resent until its signed ACK comes (as a panel's outbox does), so "lost" means never acknowledged or not
 * in the store. Measures the alarm latency (publish to ACK) and the receivers' CPU and memory (from /proc).
 * Used by load.test.ts (CI size) and `npm run soak -- load` (1,000 panels, 10 minutes).
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import mqtt, { type MqttClient } from "mqtt";
import { decodeDownlinkPayload, generateEd25519, parseEnvelope, privateKeyFromPem, sealUplink, topics, type Signer } from "../../protocol/index.js";
import { freePort, waitForPort } from "../../simulator/centre/broker/broker-mosquitto.js";
import { initCentre } from "../../simulator/centre/pki/provisioning.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { mosquittoPath } from "../bench/brokers.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const RECEIVER_MAIN = join(HERE, "../../simulator/centre/receiver/receiver-main.ts");

export interface LoadOptions {
  readonly panels: number;
  readonly durationMs: number;
  readonly heartbeatMs: number;
  /** Moments (ms from the start) of an alarm storm. */
  readonly stormsAtMs: readonly number[];
  readonly retryMs?: number;
  readonly sampleEveryMs?: number;
  readonly onSample?: (s: Sample) => void;
}

export interface Sample {
  readonly atMs: number;
  readonly rssMb: number[];
  readonly cpuSeconds: number[];
  readonly sent: number;
  readonly acked: number;
}

export interface LoadResult {
  readonly frames: number;
  readonly alarms: number;
  readonly unacked: number;
  readonly stored: number;
  readonly retransmits: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly samples: readonly Sample[];
  readonly receiverCpuPct: number[];
  readonly seconds: number;
  /** Receivers that died during the run (each is a failure: nothing should kill a receiver). */
  readonly receiverCrashes: readonly string[];
}

interface Outstanding {
  readonly frame: Buffer;
  readonly firstSent: number;
  readonly alarm: boolean;
  timer: NodeJS.Timeout;
}

function procStats(pid: number): { rssMb: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (100 Hz on Linux)
  return { rssMb: rssKb / 1024, cpuSeconds: ticks / 100 };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const bin = mosquittoPath();
  if (!bin) throw new Error("mosquitto is not installed (apt-get install mosquitto)");
  const retryMs = o.retryMs ?? 5000;
  const dir = mkdtempSync(join(tmpdir(), "load-"));
  const cleanup: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const crashes: string[] = [];
  let closing = false;
  try {
    // Mosquitto as the bench runs it: anonymous on loopback, nothing dropped for a slow subscriber.
    const port = await freePort();
    writeFileSync(join(dir, "mosquitto.conf"), [`listener ${port} 127.0.0.1`, "allow_anonymous true", "set_tcp_nodelay true", "max_queued_messages 0", "max_inflight_messages 0", "persistence false", "log_type error", ""].join("\n"));
    const broker = spawn(bin, ["-c", join(dir, "mosquitto.conf")], { stdio: ["ignore", "ignore", "pipe"] });
    let bout = "";
    broker.stderr?.on("data", (d) => (bout += d));
    cleanup.unshift(() => void broker.kill("SIGKILL"));
    await waitForPort(broker, port, () => bout);
    const url = `mqtt://127.0.0.1:${port}`;

    const centre = initCentre(join(dir, "centre"));
    const ids = Array.from({ length: o.panels }, (_, i) => `L${i}`);
    const signers = new Map<string, Signer>();
    const store = CentreStore.open(centre.dbPath);
    store.db.transaction(() => {
      for (const id of ids) {
        const k = generateEd25519();
        store.registry.addPanel(id, "SP6", Date.now());
        store.registry.addFrameKey(`k${id}`, id, k.publicPem, Date.now());
        signers.set(id, { kid: `k${id}`, key: privateKeyFromPem(k.privatePem) });
      }
    })();
    store.close();

    const receivers: ChildProcess[] = [];
    for (const name of ["load-r1", "load-r2"]) {
      const c = fork(RECEIVER_MAIN, ["--centre", centre.dir, "--url", url, "--name", name, "--username", name, "--password", "x", "--protocol-version", "5", "--quiet"], {
        execArgv: ["--import", "tsx"],
        stdio: ["ignore", "ignore", "inherit", "ipc"],
      });
      cleanup.unshift(() => void c.kill("SIGKILL"));
      await new Promise<void>((resolve, reject) => {
        c.once("message", () => resolve());
        c.once("exit", (code) => reject(new Error(`receiver ${name} exited with ${code}`)));
      });
      c.removeAllListeners("exit");
      c.once("exit", (code, signal) => void (closing || crashes.push(`${name} exited (${signal ?? code})`)));
      receivers.push(c);
    }

    let sent = 0;
    let acked = 0;
    let retransmits = 0;
    const latencies: number[] = [];
    const outstanding = ids.map(() => new Map<number, Outstanding>());
    const nextSeq = ids.map(() => 0);
    const clients: MqttClient[] = [];
    for (let b = 0; b < ids.length; b += 50) {
      const batch = await Promise.all(
        ids.slice(b, b + 50).map(async (id, j) => {
          const i = b + j;
          const c = await mqtt.connectAsync(url, { clientId: id, protocolVersion: 5, reconnectPeriod: 500, clean: true });
          (c.stream as unknown as Socket).setNoDelay?.(true);
          await c.subscribeAsync(topics.down(id), { qos: 1 });
          c.on("message", (_t, m) => {
            const d = decodeDownlinkPayload(parseEnvelope(m).payload);
            if (!("ack" in d)) return;
            const now = performance.now();
            for (const s of d.ack.seqs) {
              const f = outstanding[i]!.get(s);
              if (!f) continue;
              clearTimeout(f.timer);
              outstanding[i]!.delete(s);
              acked++;
              if (f.alarm) latencies.push(now - f.firstSent);
            }
          });
          return c;
        }),
      );
      clients.push(...batch);
    }
    cleanup.unshift(() => Promise.all(clients.map((c) => c.endAsync(true))).then(() => undefined));

    const send = (i: number, alarm: boolean) => {
      const id = ids[i]!;
      const seq = nextSeq[i]!++;
      const now = Date.now();
      const body = alarm ? { events: [{ code: 130, q: 1, area: 1, zone: 1 + (seq % 8), at: now }] } : { heartbeat: { areas: [{ area: 1, mode: "away" as const }], troubles: [], outbox: 0 } };
      const frame = Buffer.from(sealUplink({ v: 1, panel: id, seq, sent: now, ...body } as never, signers.get(id)!));
      const f: Outstanding = { frame, firstSent: performance.now(), alarm, timer: undefined as unknown as NodeJS.Timeout };
      const transmit = () => {
        // A resend is re-signed with a fresh `sent`, as the gateway does (DC-09 window).
        const again = Buffer.from(sealUplink({ v: 1, panel: id, seq, sent: Date.now(), ...body } as never, signers.get(id)!));
        retransmits++;
        clients[i]!.publish(topics.up(id), again, { qos: 1 });
        f.timer = setTimeout(transmit, retryMs);
      };
      f.timer = setTimeout(transmit, retryMs);
      outstanding[i]!.set(seq, f);
      sent++;
      clients[i]!.publish(topics.up(id), frame, { qos: 1 });
    };

    const t0 = performance.now();
    const timers: NodeJS.Timeout[] = [];
    cleanup.unshift(() => timers.forEach((t) => clearTimeout(t)));
    // Heartbeats staggered over the interval, as panels started at different times send them.
    ids.forEach((_, i) => {
      timers.push(
        setTimeout(() => {
          send(i, false);
          timers.push(setInterval(() => send(i, false), o.heartbeatMs));
        }, (i / ids.length) * o.heartbeatMs),
      );
    });
    for (const at of o.stormsAtMs) timers.push(setTimeout(() => ids.forEach((_, i) => send(i, true)), at));

    const samples: Sample[] = [];
    const cpu0 = receivers.map((r) => procStats(r.pid!).cpuSeconds);
    const sample = () => {
      const st = receivers.map((r) => (r.exitCode === null && r.signalCode === null ? procStats(r.pid!) : { rssMb: 0, cpuSeconds: 0 }));
      const s: Sample = { atMs: performance.now() - t0, rssMb: st.map((x) => x.rssMb), cpuSeconds: st.map((x, k) => x.cpuSeconds - cpu0[k]!), sent, acked };
      samples.push(s);
      o.onSample?.(s);
    };
    if (o.sampleEveryMs) timers.push(setInterval(sample, o.sampleEveryMs));
    await new Promise((r) => setTimeout(r, o.durationMs));
    timers.forEach((t) => clearTimeout(t)); // clears intervals too (one timer type in Node)
    // Let everything outstanding be acknowledged (resends included).
    const end = Date.now() + retryMs * 3;
    while (outstanding.some((m) => m.size > 0) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    sample();
    const seconds = (performance.now() - t0) / 1000;
    const unacked = outstanding.reduce((n, m) => n + m.size, 0);
    outstanding.forEach((m) => m.forEach((f) => clearTimeout(f.timer)));
    const db = new Database(centre.dbPath, { readonly: true, timeout: 5000 });
    const stored = (db.prepare("SELECT count(*) AS n FROM frames").get() as { n: number }).n;
    db.close();
    const last = samples[samples.length - 1]!;
    latencies.sort((a, b) => a - b);
    return {
      frames: sent,
      alarms: latencies.length,
      unacked,
      stored,
      retransmits,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies[latencies.length - 1] ?? NaN,
      samples,
      receiverCpuPct: last.cpuSeconds.map((c) => (100 * c) / seconds),
      seconds,
      receiverCrashes: [...crashes],
    };
  } finally {
    closing = true;
    for (const c of cleanup) await c();
  }
}
