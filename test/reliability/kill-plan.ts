/**
 * A stream of events from the panel with SIGKILLs at random points (seeded, so a failure can be replayed):
 * each kill waits until the stream has reached its point, kills one process and restarts it. The panel is
 * restarted on the same outbox file with the rest of the stream.
 */
import type { KillRig } from "./kill-rig.js";

export type Victim = "panel" | "broker" | "receiver-1" | "receiver-2";

export interface KillPlanOptions {
  readonly events: number;
  readonly intervalMs: number;
  readonly victims: readonly Victim[];
  readonly seed: number;
  readonly drainTimeoutMs: number;
}

/** mulberry32: a small seeded PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function runKillPlan(rig: KillRig, o: KillPlanOptions): Promise<string[]> {
  const rnd = prng(o.seed);
  // Kill points spread over the stream, in random order, each somewhere in its own slice.
  const slice = o.events / (o.victims.length + 1);
  const order = [...o.victims].sort(() => rnd() - 0.5);
  const plan = order.map((v, i) => ({ victim: v, at: Math.floor(slice * (i + 0.5 + rnd())), pauseMs: Math.floor(100 + rnd() * 400) }));
  const log: string[] = [];
  let remaining = o.events;
  let run = rig.startPanel(remaining, o.intervalMs);
  let base = 0; // events reported by earlier panel runs
  for (const k of plan) {
    const end = Date.now() + 60_000;
    while (base + run.reported.size < k.at && !run.lines.includes("DONE")) {
      if (Date.now() > end) throw new Error(`stream stalled before the kill of ${k.victim} at ${k.at}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    log.push(`${k.victim} at event ${base + run.reported.size}${run.lines.includes("DONE") ? " (stream reported, backlog draining)" : ""}`);
    if (k.victim === "panel") {
      await rig.killPanel();
      base += run.reported.size + 1; // one more may be in limbo
      remaining = o.events - base;
      run = rig.startPanel(Math.max(remaining, 0), o.intervalMs);
    } else if (k.victim === "broker") await rig.killBroker(k.pauseMs);
    else await rig.killReceiver(k.victim, k.pauseMs);
  }
  await rig.waitDrained(o.drainTimeoutMs);
  return log;
}
