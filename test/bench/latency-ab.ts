/**
 * Before/after within one run: `npx tsx test/bench/latency-ab.ts [--quick] [--rounds 3] [--against
 * no-checkpoint|no-flush|in-process] [--broker aedes|mosquitto]` runs the alarm-latency bench on aedes and Mosquitto
 * alternately as it is and with one thing taken away, and prints the p50 and p99 ratios against the bare
 * round trip of each:
 * - no-checkpoint: every SQLite file on SQLite's automatic WAL checkpoint (inside whichever commit crosses
 *   1,000 frames) instead of the quiet-time checkpoint;
 * - no-flush: the gateway's link without its flush (the frame then leaves at the end of the panel's step,
 *   after the panel's own state commit);
 * - in-process: the embedded aedes on the receiver's thread instead of its own (broker-thread.ts); for
 *   --broker aedes (on Mosquitto it changes nothing).
 */
import { parseArgs } from "node:util";
import { mqttConnector } from "../../gateway/mqtt-connector.js";
import type { Connector } from "../../gateway/transport.js";
import { alarmLatencyFigures, type LatencyVariant } from "./alarm-latency.js";
import { mosquittoPath, startMosquittoBroker } from "./brokers.js";
import { round } from "./figure.js";

const { values: a } = parseArgs({
  options: { quick: { type: "boolean" }, rounds: { type: "string", default: "3" }, against: { type: "string", default: "no-checkpoint" }, broker: { type: "string" } },
});
const noFlush: Connector = (broker, session, handlers) => {
  const { flush: _flush, ...conn } = mqttConnector(broker, session, handlers);
  return conn;
};
const against: Record<string, LatencyVariant> = {
  "no-checkpoint": { label: "no checkpoint", walCheckpoint: false },
  "no-flush": { label: "no flush", connector: noFlush },
  // Only the embedded aedes has a thread to leave: use with --broker aedes.
  "in-process": { label: "broker in-process", brokerInProcess: true },
};
const other = against[a.against];
if (!other) {
  console.error(`--against: one of ${Object.keys(against).join(", ")}`);
  process.exit(2);
}
const brokers = [...(a.broker !== "mosquitto" ? [false] : []), ...(a.broker !== "aedes" && mosquittoPath() ? [true] : [])];
const opts = { quick: a.quick ?? false };
for (let i = 0; i < Number(a.rounds); i++) {
  for (const variant of [other, undefined]) {
    for (const mosq of brokers) {
      const broker = mosq ? await startMosquittoBroker() : undefined;
      try {
        const figs = await alarmLatencyFigures(opts, broker, variant);
        const p = (q: string) => figs.find((f) => f.name.startsWith(`alarm latency ${q}`))!;
        const st = (s: string) => figs.find((f) => f.name.startsWith("alarm stage p50") && f.name.includes(s))!;
        console.log(
          `round ${i + 1} ${mosq ? "mosquitto" : "aedes"} ${variant?.label ?? "as is"}: p50 ${round(p("p50").value, 2)} / ${round(p("p50").baseline, 2)} ms = ${round(p("p50").ratio, 2)}x, p99 ${round(p("p99").value, 2)} / ${round(p("p99").baseline, 2)} ms = ${round(p("p99").ratio, 2)}x; p50 publish->receiver ${round(st("publish -> broker").value, 2)} ms, store commit ${round(st("store commit").value, 2)} ms`,
        );
      } finally {
        await broker?.close();
      }
    }
  }
}
process.exit(0);
