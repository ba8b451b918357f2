/**
 * Figure 2: centre throughput. 1,000 simulated panels (lightweight MQTT clients, all in the load process)
 * send signed alarm frames; frames per second verified, stored and acknowledged by one receiver process,
 * and by two sharing the load through the shared subscription. Baselines from the same run: raw
 * node:crypto Ed25519 verifications per second on one core, and raw durable single-row SQLite commits.
 */
import { benchReceivers } from "../../simulator/centre/receiver/receiver-bench.js";
import { rawDurableCommitRate, rawVerifyCpuUs, rawVerifyRate } from "./baselines.js";
import type { BenchBroker } from "./brokers.js";
import { figure, type Figure } from "./figure.js";
import type { BenchOptions } from "./run.js";

export async function centreThroughputFigures(opts: BenchOptions, broker?: BenchBroker): Promise<Figure[]> {
  const panels = opts.quick ? 50 : 1000;
  const framesPerPanel = 20;
  // The steady state (receiver-bench.ts): each receiver process's JIT warm-up and first contact with
  // every panel happen before the window, not inside it.
  const warmupFramesPerPanel = 5;
  const ext = broker ? { broker: { url: broker.url, protocolVersion: broker.mqttVersion } } : {};
  const name = broker?.name ?? "aedes";
  const verify = rawVerifyRate(opts.quick ? 300 : 2000);
  const commit = rawDurableCommitRate(opts.quick ? 300 : 2000);
  const verifyCpu = [rawVerifyCpuUs(opts.quick ? 300 : 1000)];
  const one = await benchReceivers({ receivers: 1, panels, framesPerPanel, warmupFramesPerPanel, ...ext });
  const two = await benchReceivers({ receivers: 2, panels, framesPerPanel, warmupFramesPerPanel, ...ext });
  verifyCpu.push(rawVerifyCpuUs(opts.quick ? 300 : 1000));
  // CPU per frame against CPU per verify, before and after the receivers (their mean).
  const verifyCpuUs = (verifyCpu[0]! + verifyCpu[1]!) / 2;
  process.stderr.write(
    `  ${name}: ${panels} panels x ${framesPerPanel} frames: 1 receiver ${Math.round(one.framesPerSecond)}/s (${Math.round(one.cpuUsPerFrame)} us CPU/frame), 2 receivers ${Math.round(two.framesPerSecond)}/s (${Math.round(two.cpuUsPerFrame)} us CPU/frame); raw verify ${Math.round(1e6 / verify)} us wall, ${verifyCpu.map((v) => v.toFixed(1)).join(" / ")} us CPU\n`,
  );
  return [
    figure({ name: `centre: receiver CPU per frame, 1 receiver (${name})`, value: one.cpuUsPerFrame, unit: "us", baseline: verifyCpuUs, baselineName: "raw Ed25519 verify, CPU per verify (mean of before and after)", target: "ratio <= 2 (raw verify / CPU >= 0.5)" }, (_v, r) => r <= 2),
    figure({ name: `centre: receiver CPU per frame, 2 receivers (${name})`, value: two.cpuUsPerFrame, unit: "us", baseline: one.cpuUsPerFrame, baselineName: "1 receiver's, same run", target: "ratio <= 1.15" }, (_v, r) => r <= 1.15),
    figure({ name: `centre: 1 receiver, ${panels} panels (${name})`, value: one.framesPerSecond, unit: "frames/s", baseline: verify, baselineName: "raw Ed25519 verify, one core", target: "ratio >= 0.5" }, (_v, r) => r >= 0.5),
    figure({ name: `centre: 1 receiver vs durable commits (${name})`, value: one.framesPerSecond, unit: "frames/s", baseline: commit, baselineName: "raw durable single-row commits", target: "(report only)" }, () => true),
    figure({ name: `centre: 2 receivers sharing (${name})`, value: two.framesPerSecond, unit: "frames/s", baseline: one.framesPerSecond, baselineName: "1 receiver, same run", target: "ratio >= 1.7" }, (_v, r) => r >= 1.7),
  ];
}
