/**
 * Prometheus metrics of one gateway, in a Registry of its own (never the global default, so several
 * gateways in one process, e.g. the demo, do not collide). Optional HTTP endpoint: serveMetrics().
 *
 * The gateway counts into plain numbers; prom-client (about 8 MB of RSS and 50 ms to load alone, a tenth
 * of a panel's 80 MB budget) is loaded only when the registry is first read: `alarm-panel --metrics`, a test.
 * Nothing is lost before that: counters are read from the tallies at every scrape, and the histogram's
 * earlier observations are replayed into it, each bucket with its exact count and sum.
 */
import { createRequire } from "node:module";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Counter as PromCounter, Gauge as PromGauge, Histogram as PromHistogram, Registry } from "prom-client";
import { CLASSES, type Outbox } from "./outbox.js";

const CLASS_LABEL = ["alarm", "urgent", "open-close", "routine"] as const;
const RTT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type PromClient = typeof import("prom-client");
// prom-client is CommonJS: required synchronously, so `registry` stays a plain property read.
const promClient = (): PromClient => createRequire(import.meta.url)("prom-client") as PromClient;

export interface MetricsSource {
  readonly outbox: Outbox;
  /** Local time, ms. */
  now(): number;
  /** 0 none, 1 primary, 2 alternative. */
  pathInUse(): number;
}

type Labels<L extends string> = Partial<Record<L, string>>;

/** A counter kept as plain numbers, one per label set; prom-client reads it at each scrape. */
export class Tally<L extends string = never> {
  readonly #values = new Map<string, { labels: Labels<L>; value: number }>();

  inc(labels?: Labels<L> | number, value = 1): void {
    if (typeof labels === "number") [labels, value] = [undefined, labels];
    const key = labels ? JSON.stringify(labels) : "";
    const e = this.#values.get(key);
    if (e) e.value += value;
    else this.#values.set(key, { labels: labels ?? {}, value });
  }

  /** Copies the tallies into a prom-client counter (its collect hook). */
  copyTo(c: PromCounter<L>): void {
    c.reset();
    for (const { labels, value } of this.#values.values()) c.inc(labels, value);
  }
}

/** A histogram that counts into its buckets until the registry exists, then observes into prom-client's. */
export class RttHistogram {
  /** Per bucket, then one past the last (+Inf). */
  readonly #count = [...RTT_BUCKETS, Infinity].map(() => 0);
  readonly #sum = [...RTT_BUCKETS, Infinity].map(() => 0);
  #prom: PromHistogram | undefined;

  observe(v: number): void {
    if (this.#prom) return this.#prom.observe(v);
    const i = RTT_BUCKETS.findIndex((le) => v <= le);
    const b = i < 0 ? RTT_BUCKETS.length : i;
    this.#count[b]!++;
    this.#sum[b]! += v;
  }

  /** Hands over to prom-client: each bucket's observations replayed at their mean (same bucket, same sum). */
  attach(h: PromHistogram): void {
    this.#count.forEach((count, i) => {
      for (let k = 0; k < count; k++) h.observe(this.#sum[i]! / count);
    });
    this.#prom = h;
  }
}

export class GatewayMetrics {
  readonly ackRtt = new RttHistogram();
  readonly retransmits = new Tally();
  readonly reconnects = new Tally<"path">();
  readonly naks = new Tally<"reason">();
  readonly refused = new Tally<"code">();
  readonly dropped = new Tally();
  readonly #src: MetricsSource;
  #registry: Registry | undefined;

  constructor(src: MetricsSource) {
    this.#src = src;
  }

  /** The Prometheus registry; its first read loads prom-client. */
  get registry(): Registry {
    return (this.#registry ??= this.#build());
  }

  #build(): Registry {
    const { Counter, Gauge, Histogram, Registry } = promClient();
    const registry = new Registry();
    const registers = [registry];
    const src = this.#src;
    new Gauge({
      name: "gateway_outbox_depth",
      help: "Items waiting in the outbox, by delivery class",
      labelNames: ["class"],
      registers,
      collect(this: PromGauge<"class">) {
        const d = src.outbox.depth();
        for (const c of CLASSES) this.set({ class: CLASS_LABEL[c] }, d.byClass[c] ?? 0);
      },
    });
    new Gauge({
      name: "gateway_outbox_oldest_age_seconds",
      help: "Age of the oldest item waiting in the outbox (0 when empty)",
      registers,
      collect(this: PromGauge) {
        const q = src.outbox.oldestQueued();
        this.set(q === undefined ? 0 : Math.max(0, src.now() - q) / 1000);
      },
    });
    new Gauge({
      name: "gateway_path_in_use",
      help: "Path carrying traffic: 0 none, 1 primary, 2 alternative",
      registers,
      collect(this: PromGauge) {
        this.set(src.pathInUse());
      },
    });
    this.ackRtt.attach(new Histogram({ name: "gateway_ack_rtt_seconds", help: "Time from the last transmission of a frame to the centre's signed ACK", buckets: RTT_BUCKETS, registers }));
    const counter = <L extends string>(tally: Tally<L>, name: string, help: string, labelNames: L[] = []) =>
      new Counter<L>({
        name,
        help,
        labelNames,
        registers,
        collect(this: PromCounter<L>) {
          tally.copyTo(this);
        },
      });
    counter(this.retransmits, "gateway_retransmits_total", "Frames sent again after an ACK timeout or NAK");
    counter(this.reconnects, "gateway_reconnects_total", "Reconnect attempts scheduled, by path", ["path"]);
    counter(this.naks, "gateway_naks_total", "NAKs received, by reason", ["reason"]);
    counter(this.refused, "gateway_downlink_refused_total", "Downlink messages not acted on, by reason code", ["code"]);
    counter(this.dropped, "gateway_outbox_dropped_total", "Items dropped by the outbox overflow rule");
    return registry;
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
