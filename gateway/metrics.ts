/**
 * Prometheus metrics of one gateway, in a Registry of its own (never the global default, so several
 * gateways in one process, e.g. the demo, do not collide). Optional HTTP endpoint: serveMetrics().
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { CLASSES, type Outbox } from "./outbox.js";

const CLASS_LABEL = ["alarm", "urgent", "open-close", "routine"] as const;

export interface MetricsSource {
  readonly outbox: Outbox;
  /** Local time, ms. */
  now(): number;
  /** 0 none, 1 primary, 2 alternative. */
  pathInUse(): number;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly ackRtt: Histogram;
  readonly retransmits: Counter;
  readonly reconnects: Counter<"path">;
  readonly naks: Counter<"reason">;
  readonly refused: Counter<"code">;
  readonly dropped: Counter;

  constructor(src: MetricsSource) {
    const registers = [this.registry];
    new Gauge({
      name: "gateway_outbox_depth",
      help: "Items waiting in the outbox, by delivery class",
      labelNames: ["class"],
      registers,
      collect() {
        const d = src.outbox.depth();
        for (const c of CLASSES) this.set({ class: CLASS_LABEL[c] }, d.byClass[c] ?? 0);
      },
    });
    new Gauge({
      name: "gateway_outbox_oldest_age_seconds",
      help: "Age of the oldest item waiting in the outbox (0 when empty)",
      registers,
      collect() {
        const q = src.outbox.oldestQueued();
        this.set(q === undefined ? 0 : Math.max(0, src.now() - q) / 1000);
      },
    });
    new Gauge({
      name: "gateway_path_in_use",
      help: "Path carrying traffic: 0 none, 1 primary, 2 alternative",
      registers,
      collect() {
        this.set(src.pathInUse());
      },
    });
    this.ackRtt = new Histogram({
      name: "gateway_ack_rtt_seconds",
      help: "Time from the last transmission of a frame to the centre's signed ACK",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.retransmits = new Counter({ name: "gateway_retransmits_total", help: "Frames sent again after an ACK timeout or NAK", registers });
    this.reconnects = new Counter({ name: "gateway_reconnects_total", help: "Reconnect attempts scheduled, by path", labelNames: ["path"], registers });
    this.naks = new Counter({ name: "gateway_naks_total", help: "NAKs received, by reason", labelNames: ["reason"], registers });
    this.refused = new Counter({ name: "gateway_downlink_refused_total", help: "Downlink messages not acted on, by reason code", labelNames: ["code"], registers });
    this.dropped = new Counter({ name: "gateway_outbox_dropped_total", help: "Items dropped by the outbox overflow rule", registers });
  }
}

/** Serve the registry at GET /metrics. Resolves with the server once listening. */
export async function serveMetrics(registry: Registry, port: number, host = "127.0.0.1"): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
      (e: Error) => res.writeHead(500).end(e.message),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject); // EADDRINUSE, EACCES: the caller says which address
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server;
}

export function metricsPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}
