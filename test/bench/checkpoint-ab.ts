/**
 * What a WAL checkpoint costs the commit it lands in: `npx tsx test/bench/checkpoint-ab.ts [--rounds 600] [--runs 2]`
 * runs rounds of 6 durable commits (WAL, synchronous=FULL: three rows queued and deleted again, as an
 * outbox round of events and their ACKs writes to gateway.db) followed by a 30 ms pause, alternating between SQLite's
 * automatic checkpoint (inside the commit that crosses 1,000 frames) and WalCheckpoint (a PASSIVE
 * checkpoint on the first 10 ms tick that finds no commit since the previous one, firmware/store/
 * wal-checkpoint.ts), and prints per variant the median and slowest commits and how many took more than
 * 3x the median.
 */
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { WalCheckpoint } from "../../firmware/store/wal-checkpoint.js";
import { systemClock } from "../../protocol/clock.js";
import { percentile } from "./figure.js";

const { values: a } = parseArgs({ options: { rounds: { type: "string", default: "600" }, runs: { type: "string", default: "2" } } });
const rounds = Number(a.rounds);

async function run(quiet: boolean): Promise<{ times: number[]; checkpoints: number }> {
  const dir = mkdtempSync(join(tmpdir(), "checkpoint-ab-"));
  const db = new Database(join(dir, "t.db"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL)");
  const ins = db.prepare("INSERT INTO t (k, v) VALUES (?, ?)");
  const del = db.prepare("DELETE FROM t WHERE k = ?");
  const row = Buffer.alloc(2000);
  const cp = quiet ? new WalCheckpoint(db, systemClock, { quietMs: 10 }) : undefined;
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < 6; i++) {
      const t0 = performance.now();
      if (i < 3) ins.run(r * 3 + i, row);
      else del.run(r * 3 + i - 3);
      times.push(performance.now() - t0);
    }
    await new Promise((res) => setTimeout(res, 30));
  }
  const checkpoints = cp?.checkpoints ?? 0;
  cp?.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return { times, checkpoints };
}

for (let i = 0; i < Number(a.runs); i++) {
  for (const quiet of [false, true]) {
    const { times, checkpoints } = await run(quiet);
    const sorted = [...times].sort((x, y) => x - y);
    const median = percentile(sorted, 50);
    const slow = times.filter((t) => t > 3 * median).length;
    console.log(
      `run ${i + 1} ${quiet ? "quiet-time checkpoint" : "automatic checkpoint "}: ${times.length} commits, median ${median.toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, max ${sorted.at(-1)!.toFixed(2)} ms, ${slow} over 3x median${quiet ? `, ${checkpoints} checkpoints when quiet` : ""}`,
    );
  }
}
