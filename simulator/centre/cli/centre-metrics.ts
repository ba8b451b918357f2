/**
 * Prometheus metrics of a centre (prom-client, text exposition format on GET /metrics): frames stored,
 * duplicates, NAKs by reason, group-commit batch size, ACK latency (panel's transmission time to the
 * ACK), transmission faults (EN 50136-1 reporting time missed) and open alarms for operators.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Receiver } from "../receiver/receiver.js";
import type { OperatorQueue } from "../operator/operator-queue.js";

export interface CentreMetrics {
  readonly registry: Registry;
  /** Count what this receiver does; `now` reads the centre's clock. */
  watch(r: Receiver): void;
}

export function centreMetrics(queue: OperatorQueue, now: () => number = Date.now): CentreMetrics {
  const registry = new Registry();
  const receivers: Receiver[] = [];
  const frames = new Counter({ name: "alarm_centre_frames_stored_total", help: "Frames verified and stored for the first time", registers: [registry], labelNames: ["receiver"] });
  const duplicates = new Counter({ name: "alarm_centre_frames_duplicate_total", help: "Frames already stored, acknowledged again", registers: [registry], labelNames: ["receiver"] });
  const naks = new Counter({ name: "alarm_centre_naks_total", help: "NAKs sent, by reason", registers: [registry], labelNames: ["reason"] });
  const dropped = new Counter({ name: "alarm_centre_frames_dropped_total", help: "Frames that could not name their sequence number", registers: [registry] });
  const faults = new Counter({ name: "alarm_centre_transmission_faults_total", help: "Supervision faults: a panel missed its EN 50136-1 reporting time", registers: [registry] });
  const lost = new Counter({ name: "alarm_centre_lost_events_total", help: "Gaps in a panel's sequence numbers past the grace period", registers: [registry] });
  const latency = new Histogram({
    name: "alarm_centre_ack_latency_seconds",
    help: "From the frame's transmission time (panel clock) to the centre's ACK",
    registers: [registry],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  });
  new Gauge({
    name: "alarm_centre_commit_batch_size",
    help: "Frames per group commit, on average since start",
    registers: [registry],
    collect() {
      const c = receivers.reduce((n, r) => n + r.stats.commits, 0);
      this.set(c === 0 ? 0 : receivers.reduce((n, r) => n + r.stats.framesCommitted, 0) / c);
    },
  });
  new Gauge({
    name: "alarm_centre_commits_total",
    help: "Group commits since start",
    registers: [registry],
    collect() {
      this.set(receivers.reduce((n, r) => n + r.stats.commits, 0));
    },
  });
  new Gauge({
    name: "alarm_centre_open_alarms",
    help: "Alarms not yet closed, for operators",
    registers: [registry],
    async collect() {
      this.set((await queue.list(false)).length);
    },
  });
  return {
    registry,
    watch(r) {
      receivers.push(r);
      const sent = new Map<string, number>();
      r.on("stored", (panel, seq, p) => {
        frames.inc({ receiver: r.name });
        sent.set(`${panel}/${seq}`, p.sent);
      });
      r.on("duplicate", () => duplicates.inc({ receiver: r.name }));
      r.on("nak", (_p, _s, reason) => naks.inc({ reason }));
      r.on("dropped", () => dropped.inc());
      r.on("transmission-fault", () => faults.inc());
      r.on("lost-events", () => lost.inc());
      r.on("acked", (panel, seqs) => {
        for (const seq of seqs) {
          const k = `${panel}/${seq}`;
          const t = sent.get(k);
          if (t === undefined) continue;
          sent.delete(k);
          latency.observe(Math.max(0, now() - t) / 1000);
        }
      });
    },
  };
}

export interface MetricsHttp {
  readonly port: number;
  close(): Promise<void>;
}

/** GET /metrics on its own listener (Prometheus' default port for an exporter is 9464). */
export async function startMetricsHttp(m: CentreMetrics, host: string, port: number): Promise<MetricsHttp> {
  const server = http.createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "/").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found: GET /metrics\n");
      return;
    }
    m.registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": m.registry.contentType }).end(text),
      (e: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(`${e.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
