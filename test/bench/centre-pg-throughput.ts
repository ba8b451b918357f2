/**
 * Figure: receiver throughput on PostgreSQL next to SQLite. Receiver processes (receiver-main.ts) behind
 * the embedded broker store every frame, SQLite in the centre's file, PostgreSQL in a throwaway cluster
 * on loopback (fsync on); each store against its own raw durable single-row commit rate measured in the
 * same run. And the receivers' CPU per frame, one receiver against two on PostgreSQL: what sharing the
 * load costs (a second pool, the two racing on the panel rows and the open-alarm index).
 */
import { benchReceivers } from "../../simulator/centre/receiver/receiver-bench.js";
import { createDatabase, PG_BIN, postgresAvailable, startPostgres } from "../support/postgres.js";
import { rawDurableCommitRate } from "./baselines.js";
import { figure, type Figure } from "./figure.js";
import { rawCommits } from "./pg-store.js";
import type { BenchOptions } from "./run.js";

export async function centrePgFigures(opts: BenchOptions): Promise<Figure[]> {
  if (!postgresAvailable()) {
    const missing = `not measured: no PostgreSQL server in ${PG_BIN} (Debian package postgresql)`;
    return [figure({ name: `centre on PostgreSQL: 1 receiver (${missing})`, value: Number.NaN, unit: "frames/s", baseline: Number.NaN, baselineName: "raw durable single-row commits, same server", target: "PostgreSQL installed" }, () => false)];
  }
  const panels = opts.quick ? 50 : 200;
  const framesPerPanel = opts.quick ? 10 : 20;
  const server = await startPostgres();
  try {
    const sqliteRaw = rawDurableCommitRate(opts.quick ? 300 : 2000);
    const rawUrl = await createDatabase(server, "bench_raw_commits");
    const rawBefore = await rawCommits(rawUrl, opts.quick ? 500 : 3000);
    const sqlite = await benchReceivers({ receivers: 1, panels, framesPerPanel });
    const one = await benchReceivers({ receivers: 1, panels, framesPerPanel, store: await createDatabase(server, "bench_recv_one") });
    const two = await benchReceivers({ receivers: 2, panels, framesPerPanel, store: await createDatabase(server, "bench_recv_two") });
    // The machine is shared: the server's raw rate before and after the receivers, averaged.
    const rawAfter = await rawCommits(rawUrl, opts.quick ? 500 : 3000, "raw_commits_after");
    const pgRaw = (rawBefore + rawAfter) / 2;
    process.stderr.write(
      `  ${panels} panels x ${framesPerPanel} frames: SQLite 1 receiver ${Math.round(sqlite.framesPerSecond)}/s (raw commits ${Math.round(sqliteRaw)}/s); ` +
        `PostgreSQL 1 receiver ${Math.round(one.framesPerSecond)}/s, 2 receivers ${Math.round(two.framesPerSecond)}/s (raw commits ${Math.round(rawBefore)}/s before, ${Math.round(rawAfter)}/s after); ` +
        `CPU ${one.cpuMsPerFrame.toFixed(3)} / ${two.cpuMsPerFrame.toFixed(3)} ms per frame\n`,
    );
    return [
      figure({ name: `centre on SQLite: 1 receiver, ${panels} panels (aedes)`, value: sqlite.framesPerSecond, unit: "frames/s", baseline: sqliteRaw, baselineName: "raw durable single-row SQLite commits", target: "ratio >= 1" }, (_v, r) => r >= 1),
      figure({ name: `centre on PostgreSQL: 1 receiver, ${panels} panels (aedes)`, value: one.framesPerSecond, unit: "frames/s", baseline: pgRaw, baselineName: "raw durable single-row commits, same server, mean of before and after", target: "ratio >= 1" }, (_v, r) => r >= 1),
      figure({ name: `centre on PostgreSQL: 2 receivers sharing (aedes)`, value: two.framesPerSecond, unit: "frames/s", baseline: one.framesPerSecond, baselineName: "1 receiver on PostgreSQL, same run", target: "(report only)" }, () => true),
      figure({ name: `centre on PostgreSQL: receiver CPU per frame, 2 receivers`, value: two.cpuMsPerFrame, unit: "ms", baseline: one.cpuMsPerFrame, baselineName: "1 receiver, same run", target: "ratio <= 1.5" }, (_v, r) => r <= 1.5),
    ];
  } finally {
    await server.destroy();
  }
}
