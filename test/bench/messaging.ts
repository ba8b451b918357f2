/** Baselines through each broker; the system figures that compare against them plug in here. */
import { bareRoundTrips, rawDurableCommitRate, rawQos1Throughput, rawVerifyRate } from "./baselines.js";
import { startAedesBroker, startMosquittoBroker, mosquittoPath, type BenchBroker } from "./brokers.js";
import type { Figure } from "./figure.js";
import type { BenchOptions } from "./run.js";

export interface Baselines {
  readonly broker: string;
  readonly rtP50: number;
  readonly rtP99: number;
  readonly qos1PerSec: number;
}

export async function measureBrokerBaselines(b: BenchBroker, opts: BenchOptions): Promise<Baselines> {
  const rt = await bareRoundTrips(b.url, opts.quick ? 500 : 2000, b.mqttVersion);
  const qos1PerSec = await rawQos1Throughput(b.url, opts.quick ? 5000 : 50000, b.mqttVersion);
  return { broker: b.name, rtP50: rt.p50, rtP99: rt.p99, qos1PerSec };
}

export async function messagingFigures(opts: BenchOptions): Promise<Figure[]> {
  const verify = rawVerifyRate(opts.quick ? 500 : 2000);
  const commit = rawDurableCommitRate(opts.quick ? 500 : 2000);
  process.stderr.write(`  raw verify ${Math.round(verify)}/s, raw durable commit ${Math.round(commit)}/s\n`);
  const brokers: (() => Promise<BenchBroker>)[] = [startAedesBroker];
  if (mosquittoPath()) brokers.push(startMosquittoBroker);
  const figures: Figure[] = [];
  for (const start of brokers) {
    const b = await start();
    try {
      const base = await measureBrokerBaselines(b, opts);
      process.stderr.write(`  ${b.name}: bare QoS 1 round trip p50 ${base.rtP50.toFixed(3)} ms p99 ${base.rtP99.toFixed(3)} ms, ${Math.round(base.qos1PerSec)} msg/s\n`);
    } finally {
      await b.close();
    }
  }
  return figures;
}
