/**
 * Figure 1: alarm latency. A simulated zone trip on an armed panel until the centre has stored the frame
 * and the panel holds its ACK (the event has left the outbox), through the whole system of `npm start`.
 * Baseline: a bare mqtt.js QoS 1 publish-and-reply round trip through the same broker, TCP_NODELAY on at
 * both ends. Target: alarm p99 at most 3x the bare round trip's p99.
 */
import { hashCode, keySequence, type PanelConfigInput } from "../../firmware/index.js";
import { Cid } from "../../protocol/index.js";
import { startSystem } from "../../simulator/demo/system.js";
import { openRoundTripper } from "./baselines.js";
import type { BenchBroker } from "./brokers.js";
import { figure, percentile, type Figure } from "./figure.js";
import type { BenchOptions } from "./run.js";
import { StageClock } from "./stage-breakdown.js";

const ZONES = 32;
const CODE = "2468";

function benchConfig(): PanelConfigInput {
  return {
    grade: 2,
    io: "sim",
    // Swinger shutdown would silence a zone after its limit of trips per armed period: use the maximum
    // and re-arm between rounds, as a real test engineer would.
    timing: { exitDelayMs: 0, entryDelayMs: 0, unsetDeferralMs: 0, swingerLimit: 15 },
    areas: [{ area: 1 }],
    zones: Array.from({ length: ZONES }, (_, i) => ({ zone: i + 1, type: "instant", pin: i + 2, areas: [1], debounceMs: 0 })),
    outputs: { siren: 60 },
    users: [{ user: 1, areas: [1], perms: ["disarm"], codeHash: hashCode(CODE, { N: 1024, r: 8, p: 1 }) }],
  } as PanelConfigInput;
}

export async function alarmLatencyFigures(opts: BenchOptions, broker: BenchBroker): Promise<Figure[]> {
  const n = opts.quick ? 100 : 2000;
  const waiting = new Map<number, () => void>();
  let lastAlarmSeq = -1;
  let lastSeq = -1;
  // The baseline is interleaved with the alarms, one bare round trip before each, through the same broker:
  // both see the same machine noise (these machines are noisy; only ratios hold).
  const rt = await openRoundTripper(broker.url, broker.mqttVersion);
  const bare: number[] = [];
  const stages = new StageClock();
  const sys = await startSystem({
    trace: stages.trace,
    panelConfig: benchConfig(),
    broker: { url: broker.url, protocolVersion: broker.mqttVersion },
    onReport: (e, seq) => {
      if (e.code === Cid.Burglary && e.q === 1) lastAlarmSeq = seq;
      lastSeq = seq;
    },
  });
  const acked = new Set<number>();
  sys.gateway.on("acked", ({ seq }) => {
    acked.add(seq);
    if (seq === lastAlarmSeq) stages.mark("acked");
    waiting.get(seq)?.();
  });
  const untilAcked = (seq: number) => (acked.has(seq) ? Promise.resolve() : new Promise<void>((r) => waiting.set(seq, r)));
  const keys = (s: string) => keySequence(s).forEach((key) => sys.panel.input({ type: "key", key }));
  const lat: number[] = [];
  try {
    keys(`${CODE} away`);
    let zone = 0;
    for (let i = 0; i < n; i++) {
      if (i > 0 && i % (ZONES * 10) === 0) {
        keys(`${CODE} off`);
        keys(`${CODE} away`);
      }
      bare.push(await rt.once());
      const z = (zone++ % ZONES) + 1;
      lastAlarmSeq = -1;
      stages.begin();
      const t0 = performance.now();
      sys.setZone(z, true);
      stages.mark("step-returned");
      if (lastAlarmSeq < 0) throw new Error(`zone ${z} trip was not reported (round ${i})`);
      await untilAcked(lastAlarmSeq);
      lat.push(performance.now() - t0);
      stages.end(lastAlarmSeq);
      sys.setZone(z, false);
      // Let the restore (and anything else) be acknowledged, so the next bare round trip runs on a quiet system.
      await untilAcked(lastSeq);
    }
  } finally {
    await rt.close();
    await sys.stop();
  }
  lat.sort((a, b) => a - b);
  bare.sort((a, b) => a - b);
  const base = { p50: percentile(bare, 50), p99: percentile(bare, 99) };
  const total = { p50: percentile(lat, 50), p99: percentile(lat, 99) };
  // Each stage's share of the whole (the same percentile of the latency is its baseline).
  const breakdown = stages.summary().flatMap((s) =>
    (["p50", "p99"] as const).map((p) =>
      figure({ name: `alarm stage ${p} (${broker.name}): ${s.stage}`, value: s[p], unit: "ms", baseline: total[p], baselineName: `alarm latency ${p}, same run`, target: "(report only)" }, () => true),
    ),
  );
  return [
    ...breakdown,
    figure({ name: `alarm latency p50 (${broker.name})`, value: percentile(lat, 50), unit: "ms", baseline: base.p50, baselineName: "bare QoS 1 round trip p50", target: "(report only)" }, () => true),
    figure({ name: `alarm latency p99 (${broker.name})`, value: percentile(lat, 99), unit: "ms", baseline: base.p99, baselineName: "bare QoS 1 round trip p99", target: "ratio <= 3" }, (_v, r) => r <= 3),
  ];
}
