/**
 * Where an alarm's time goes: the moments each stage of one alarm ends (the trace hook of gateway and
 * receiver, protocol/trace.ts, and the bench's own marks), turned into per-stage durations with their p50
 * and p99.
 *
 * The bench runs as deployed: the panel (and its gateway) in one process, the centre (broker and receiver)
 * in another (latency-centre.ts). process.hrtime is per process, so every mark is read as
 * performance.timeOrigin + performance.now() (the process's wall-clock origin plus monotonic time since,
 * ms), and the centre's marks are moved onto the panel's clock by an offset measured over the IPC channel
 * (clockOffset: the exchange with the shortest round trip, as NTP does) rather than trusting both
 * origins to agree; so far it has come out within a few microseconds.
 *
 * The stages on the alarm's way run one after another across both processes and add up to the whole
 * latency. The panel's own state commit (its EN 50131-1 event log and saved state) runs after the
 * frame is on the wire, in parallel with the centre: it is reported beside the chain, not in it.
 */
import type { Trace, TraceStage } from "../../protocol/index.js";
import { percentile } from "./figure.js";

/** Marks the bench sets itself around the traced ones. */
export type BenchMark = "zone" | "step-returned" | "acked";
export type Mark = TraceStage | BenchMark;

/** Each stage: its name in the table and the two marks it lies between. */
export const STAGES: readonly (readonly [string, Mark, Mark])[] = [
  ["panel step (zone -> gateway report)", "zone", "reported"],
  ["gateway check + outbox commit", "reported", "outbox-committed"],
  ["peek + sign", "outbox-committed", "signed"],
  // From "signed", not "published": once the write wakes the centre, the panel's process may be put off
  // the core before it reads its clock again, and the centre's marks then come before "published".
  ["publish -> broker -> receiver (incl. intake turn)", "signed", "received"],
  ["receiver verify", "received", "verified"],
  ["store commit (incl. batch wait)", "verified", "stored"],
  ["ACK sign (and hand to the MQTT client)", "stored", "ack-signed"],
  ["ACK publish -> broker -> gateway (incl. verify)", "ack-signed", "ack-received"],
  ["ACK handling (outbox delete, events)", "ack-received", "acked"],
];

/** Off the alarm's way, in the panel's process while the frame travels and the centre stores it. */
export const BESIDE: readonly (readonly [string, Mark, Mark])[] = [
  ["beside: publish call (MQTT client, socket write)", "signed", "published"],
  ["beside: panel state commit + rest of step (parallel to the centre)", "published", "step-returned"],
];

/** Now on the clock every process of the bench shares, ms. */
export function sharedNow(): number {
  return performance.timeOrigin + performance.now();
}

/** process.hrtime.bigint() and performance.now() read the same monotonic clock: the one offset converts. */
const HR_SHIFT = sharedNow() - Number(process.hrtime.bigint()) / 1e6;

/** A trace hook's `at` (process.hrtime.bigint() of this process) on the shared clock, ms. */
export function sharedFromHr(at: bigint): number {
  return Number(at) / 1e6 + HR_SHIFT;
}

/**
 * How far `remote`'s sharedNow() is ahead of ours, ms: `ask` gets the other process's sharedNow(); of
 * `n` exchanges the one with the shortest round trip decides, the other's reading taken as mid-way.
 */
export async function clockOffset(ask: () => Promise<number>, n = 30): Promise<number> {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < n; i++) {
    const t0 = sharedNow();
    const remote = await ask();
    const t1 = sharedNow();
    if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: remote - (t0 + t1) / 2 };
  }
  return best.offset;
}

/** Marks per seq, as one process records them; another process gets them as `[seq, stage, ms][]`. */
export class TraceRecorder {
  private readonly bySeq = new Map<number, Map<Mark, number>>();

  readonly trace: Trace = (stage, _panel, seq, at) => {
    let m = this.bySeq.get(seq);
    if (!m) this.bySeq.set(seq, (m = new Map()));
    if (!m.has(stage)) m.set(stage, at === undefined ? sharedNow() : sharedFromHr(at));
  };

  marks(seq: number): ReadonlyMap<Mark, number> {
    return this.bySeq.get(seq) ?? new Map();
  }

  /** Everything recorded, for the other process. */
  dump(): [number, Mark, number][] {
    return [...this.bySeq].flatMap(([seq, m]) => [...m].map(([stage, t]) => [seq, stage, t] as [number, Mark, number]));
  }

  /** Another process's dump(), whose clock is `offset` ms ahead of this one's (clockOffset). */
  load(rows: readonly (readonly [number, Mark, number])[], offset = 0): void {
    for (const [seq, stage, t] of rows) {
      let m = this.bySeq.get(seq);
      if (!m) this.bySeq.set(seq, (m = new Map()));
      if (!m.has(stage)) m.set(stage, t - offset);
    }
  }

  clear(): void {
    this.bySeq.clear();
  }
}

export interface StageSummary {
  readonly stage: string;
  readonly p50: number;
  readonly p99: number;
  readonly n: number;
}

/**
 * The rounds of the bench: the panel side's marks are taken per round; the centre's are loaded at the end
 * (they live in the other process until then), so rounds are kept by seq and joined in summary().
 */
export class StageClock {
  readonly panelSide = new TraceRecorder();
  readonly centreSide = new TraceRecorder();
  private readonly own = new Map<BenchMark, number>();
  private readonly rounds: { seq: number; own: Map<Mark, number> }[] = [];

  get trace(): Trace {
    return this.panelSide.trace;
  }

  begin(): void {
    this.own.clear();
    this.mark("zone");
  }

  mark(m: BenchMark): void {
    this.own.set(m, sharedNow());
  }

  /** Close the round of the alarm `seq`. */
  end(seq: number): void {
    this.rounds.push({ seq, own: new Map(this.own) });
  }

  /** Every round with all its marks. */
  private complete(): Map<Mark, number>[] {
    const all = [...STAGES, ...BESIDE];
    return this.rounds
      .map((r) => new Map<Mark, number>([...this.centreSide.marks(r.seq), ...this.panelSide.marks(r.seq), ...r.own]))
      .filter((m) => all.every(([, a, b]) => m.has(a) && m.has(b)));
  }

  /** The `k` slowest rounds, each as its latency and its `top` longest stages (chain and beside), ms: what makes the p99. */
  slowest(k: number, top = 2): { total: number; stages: { stage: string; ms: number }[] }[] {
    return this.complete()
      .map((m) => ({
        total: m.get("acked")! - m.get("zone")!,
        stages: [...STAGES, ...BESIDE]
          .map(([stage, a, b]) => ({ stage, ms: m.get(b)! - m.get(a)! }))
          .sort((x, y) => y.ms - x.ms)
          .slice(0, top),
      }))
      .sort((x, y) => y.total - x.total)
      .slice(0, k);
  }

  /** p50 and p99 of each stage over the rounds with every mark, ms: the alarm's chain, then what runs beside it. */
  summary(): StageSummary[] {
    const all = [...STAGES, ...BESIDE];
    const complete = this.complete();
    return all.map(([stage, a, b]) => {
      const d = complete.map((m) => m.get(b)! - m.get(a)!).sort((x, y) => x - y);
      return { stage, p50: percentile(d, 50), p99: percentile(d, 99), n: d.length };
    });
  }
}
