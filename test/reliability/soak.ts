/**
 * `npm run soak -- <kind> [args]`, one long-running proof per kind:
 *   fuzz [CASES]        the CBOR/frame fuzz properties, ten million cases by default (test/protocol/fuzz-soak.ts);
 *                       also what `npm run soak` and `npm run soak -- CASES` run
 *   faults [ROUNDS]     SIGKILL of panel, receivers and broker at random points, ROUNDS rounds (default 10),
 *                       alternating Mosquitto (generated config) and aedes, 1,000 events each
 *   load [MINUTES]      1,000 panels through Mosquitto with two receivers for MINUTES (default 10): SP6
 *                       heartbeats, an alarm storm every 2 minutes, receivers' memory sampled each minute
 *                       and required flat (last sample within 25 % of the one after warm-up)
 * Exits 1 at the first failure (printing the seed that replays it), 2 on bad arguments.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { KillRig, type BrokerKind } from "./kill-rig.js";
import { runKillPlan, type Victim } from "./kill-plan.js";
import { runLoad } from "./load-rig.js";

const HERE = dirname(fileURLToPath(import.meta.url));
// No kind, or a number first: the fuzz soak, as `npm run soak [-- CASES]` always ran it.
const argv = process.argv.slice(2);
const [kind, arg] = argv.length === 0 || /^\d+$/.test(argv[0]!) ? ["fuzz", argv[0]] : argv;
const out = (s: string) => process.stdout.write(`soak ${kind}: ${s}\n`);

function count(def: number): number {
  const n = Number(arg ?? def);
  if (!Number.isSafeInteger(n) || n <= 0) {
    process.stderr.write(`soak: bad count ${arg}\n`);
    process.exit(2);
  }
  return n;
}

async function faults(rounds: number): Promise<void> {
  const victims: Victim[] = ["panel", "broker", "receiver-1", "receiver-2", "panel", "receiver-1", "broker"];
  let kills = 0;
  for (let round = 0; round < rounds; round++) {
    const broker: BrokerKind = round % 2 === 0 ? "mosquitto" : "aedes";
    const seed = (Date.now() ^ (round * 7919)) % 1_000_000;
    const rig = new KillRig(broker);
    try {
      await rig.setUp();
      const log = await runKillPlan(rig, { events: 1000, intervalMs: 8, victims, seed, drainTimeoutMs: 120_000 });
      const v = rig.verdict();
      kills += log.length;
      out(`round ${round + 1}/${rounds} (${broker}, seed ${seed}): SIGKILL ${log.join(", ")}; ${v.reported} reported, ${v.stored} stored, lost ${v.lost.length}, doubled ${v.doubled.length}, storage order inversions ${v.outOfOrder} (two receivers)`);
      if (v.lost.length > 0 || v.doubled.length > 0 || v.unexpected.length > 0) {
        out(`FAILED: lost ${JSON.stringify(v.lost.slice(0, 20))} doubled ${JSON.stringify(v.doubled.slice(0, 20))} unexpected ${JSON.stringify(v.unexpected.slice(0, 20))}`);
        process.exit(1);
      }
    } finally {
      await rig.close();
    }
  }
  out(`done: ${rounds} rounds, ${kills} kills, 0 events lost, 0 stored twice`);
}

async function load(minutes: number): Promise<void> {
  const storms = Array.from({ length: Math.floor(minutes / 2) }, (_, i) => (i + 1) * 120_000 - 30_000);
  const r = await runLoad({
    panels: 1000,
    durationMs: minutes * 60_000,
    heartbeatMs: 20_000,
    stormsAtMs: storms,
    sampleEveryMs: 60_000,
    onSample: (s) => out(`${(s.atMs / 60_000).toFixed(0)} min: ${s.sent} frames sent, ${s.acked} acknowledged; receivers RSS ${s.rssMb.map((m) => m.toFixed(0)).join(" / ")} MB, CPU ${s.cpuSeconds.map((c) => c.toFixed(1)).join(" / ")} s`),
  });
  out(
    `1000 panels, ${r.seconds.toFixed(0)} s: ${r.frames} frames (${r.alarms} alarms in ${storms.length} storms), ${r.stored} stored, ${r.unacked} unacknowledged, ${r.retransmits} resent; ` +
      `alarm latency p50 ${r.p50Ms.toFixed(1)} ms, p99 ${r.p99Ms.toFixed(1)} ms, max ${r.maxMs.toFixed(1)} ms; receivers CPU ${r.receiverCpuPct.map((c) => c.toFixed(1)).join(" / ")} %`,
  );
  const warm = r.samples[Math.min(1, r.samples.length - 1)]!;
  const last = r.samples[r.samples.length - 1]!;
  const growth = last.rssMb.map((m, i) => m / warm.rssMb[i]!);
  out(`memory: ${warm.rssMb.map((m) => m.toFixed(0)).join(" / ")} MB after warm-up -> ${last.rssMb.map((m) => m.toFixed(0)).join(" / ")} MB at the end (x${growth.map((g) => g.toFixed(2)).join(" / ")})`);
  if (r.receiverCrashes.length > 0) {
    out(`FAILED: ${r.receiverCrashes.join(", ")}`);
    process.exit(1);
  }
  if (r.unacked > 0 || r.stored !== r.frames) {
    out(`FAILED: ${r.unacked} frames never acknowledged, ${r.frames - r.stored} not stored`);
    process.exit(1);
  }
  if (growth.some((g) => g > 1.25)) {
    out("FAILED: receiver memory grew more than 25 % after warm-up");
    process.exit(1);
  }
  out("done: 0 lost, memory flat");
}

switch (kind) {
  case "fuzz": {
    const r = spawnSync(process.execPath, ["--import", "tsx", join(HERE, "../protocol/fuzz-soak.ts"), ...(arg ? [arg] : [])], { stdio: "inherit" });
    process.exit(r.status ?? 1);
    break;
  }
  case "faults":
    await faults(count(10));
    process.exit(0);
    break;
  case "load":
    await load(count(10));
    process.exit(0);
    break;
  default:
    process.stderr.write("usage: npm run soak -- fuzz [CASES] | faults [ROUNDS] | load [MINUTES]\n");
    process.exit(2);
}
