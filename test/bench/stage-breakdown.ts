/**
 * Where an alarm's time goes: the moments each stage of one alarm ends (the trace hook of gateway and
 * receiver, protocol/trace.ts, and the bench's own marks), read with process.hrtime.bigint(), turned
 * into per-stage durations with their p50 and p99. Every stage runs in one process here (panel, gateway,
 * broker, receiver), one after the other, so the stages add up to the whole latency.
 */
import type { Trace, TraceStage } from "../../protocol/index.js";
import { percentile } from "./figure.js";

/** Marks the bench sets itself around the traced ones. */
type BenchMark = "zone" | "step-returned" | "acked";
type Mark = TraceStage | BenchMark;

/** Each stage: its name in the table and the two marks it lies between. */
export const STAGES: readonly (readonly [string, Mark, Mark])[] = [
  ["panel step (zone -> gateway report)", "zone", "reported"],
  ["gateway check + outbox commit", "reported", "outbox-committed"],
  ["peek + sign", "outbox-committed", "signed"],
  ["publish (to the MQTT client)", "signed", "published"],
  ["panel state commit + rest of step", "published", "step-returned"],
  ["publish -> broker -> receiver", "step-returned", "received"],
  ["receiver verify", "received", "verified"],
  ["store commit (incl. batch wait)", "verified", "stored"],
  ["ACK sign (and hand to the MQTT client)", "stored", "ack-signed"],
  ["ACK publish -> broker -> gateway (incl. verify)", "ack-signed", "ack-received"],
  ["ACK handling (outbox delete, events)", "ack-received", "acked"],
];

export class StageClock {
  /** Traced marks of this round, per seq (the alarm's seq is known only once report() returns). */
  private readonly bySeq = new Map<number, Map<Mark, bigint>>();
  private readonly own = new Map<Mark, bigint>();
  private readonly rounds: Map<Mark, bigint>[] = [];

  readonly trace: Trace = (stage, _panel, seq, at) => {
    let m = this.bySeq.get(seq);
    if (!m) this.bySeq.set(seq, (m = new Map()));
    if (!m.has(stage)) m.set(stage, at ?? process.hrtime.bigint());
  };

  begin(): void {
    this.bySeq.clear();
    this.own.clear();
    this.mark("zone");
  }

  mark(m: BenchMark): void {
    this.own.set(m, process.hrtime.bigint());
  }

  /** Close the round of the alarm `seq`: keep its marks if every stage was seen. */
  end(seq: number): void {
    const marks = new Map([...(this.bySeq.get(seq) ?? []), ...this.own]);
    if (STAGES.every(([, a, b]) => marks.has(a) && marks.has(b))) this.rounds.push(marks);
  }

  /** p50 and p99 of each stage over the complete rounds, ms. */
  summary(): { stage: string; p50: number; p99: number; n: number }[] {
    return STAGES.map(([stage, a, b]) => {
      const d = this.rounds.map((r) => Number(r.get(b)! - r.get(a)!) / 1e6).sort((x, y) => x - y);
      return { stage, p50: percentile(d, 50), p99: percentile(d, 99), n: d.length };
    });
  }
}
