/**
 * `npm run bench [-- --quick] [-- --out FILE] [-- --only TEXT]`: every figure against its baseline measured
 * in the same run. Prints a table and writes the figures as JSON (one object per figure). `--only` runs
 * the sections whose name contains TEXT (e.g. "alarm latency (aedes)", "centre throughput").
 */
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { type Figure, round } from "./figure.js";
import { sizeFigures } from "./size.js";
import { outboxEnqueueFigures } from "./outbox-enqueue.js";
import { alarmLatencyFigures } from "./alarm-latency.js";
import { centreThroughputFigures } from "./centre-throughput.js";
import { backlogDrainFigures } from "./backlog-drain.js";
import { footprintFigures } from "./footprint.js";
import { hostileFrameFigures } from "./hostile-frame.js";
import { pgStoreFigures } from "./pg-store.js";
import { centrePgFigures } from "./centre-pg-throughput.js";
import { mosquittoPath, startAedesBroker, startMosquittoBroker, type BenchBroker } from "./brokers.js";

export interface BenchOptions {
  readonly quick: boolean;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const opts: BenchOptions = { quick: process.argv.includes("--quick") };
  const out = arg("--out") ?? "bench-results.json";
  const started = performance.now();
  const figures: Figure[] = [];
  const sections: [string, () => Promise<Figure[]> | Figure[]][] = [
    ["size", () => sizeFigures()],
    ["outbox enqueue", () => outboxEnqueueFigures(opts)],
    ["hostile frame", () => hostileFrameFigures(opts)],
    ["centre store (postgres)", () => pgStoreFigures(opts)],
    ["centre throughput (sqlite vs postgres)", () => centrePgFigures(opts)],
  ];
  for (const start of [startAedesBroker, ...(mosquittoPath() ? [startMosquittoBroker] : [])]) {
    const name = start === startAedesBroker ? "aedes" : "mosquitto";
    const withBroker = (f: (b: BenchBroker) => Promise<Figure[]>) => async () => {
      const b = await start();
      try {
        return await f(b);
      } finally {
        await b.close();
      }
    };
    sections.push(
      // The alarm-latency bench starts the embedded aedes in its own centre process (alarm-latency.ts).
      [`alarm latency (${name})`, name === "aedes" ? () => alarmLatencyFigures(opts) : withBroker((b) => alarmLatencyFigures(opts, b))],
      [`centre throughput (${name})`, withBroker((b) => centreThroughputFigures(opts, b.name === "aedes" ? undefined : b))],
      [`backlog drain (${name})`, withBroker((b) => backlogDrainFigures(opts, b))],
    );
    if (name === "aedes") sections.push(["footprint", withBroker((b) => footprintFigures(opts, b))]);
  }
  const only = arg("--only");
  for (const [name, run] of sections) {
    if (only !== undefined && !name.includes(only)) continue;
    process.stderr.write(`bench: ${name}...\n`);
    figures.push(...(await run()));
  }
  const rows = figures.map((f) => ({
    figure: f.name,
    value: `${round(f.value, 2)} ${f.unit}`,
    baseline: `${round(f.baseline, 2)} ${f.unit} (${f.baselineName})`,
    ratio: round(f.ratio, 3),
    target: f.target,
    pass: f.pass ? "yes" : "NO",
  }));
  console.table(rows);
  const machine = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: round(totalmem() / 2 ** 30, 1) };
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), quick: opts.quick, machine, seconds: round((performance.now() - started) / 1000, 1), figures }, null, 2) + "\n");
  console.log(`${figures.filter((f) => f.pass).length}/${figures.length} figures meet their target; written to ${out}`);
}

await main();
process.exit(0);
