/**
 * Figure 3a: durable enqueue rate of the gateway outbox (each event committed, with its sequence number,
 * before enqueue returns) against raw single-row durable commits, measured alternately in the same run
 * so machine noise hits both alike.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Cid, Qualifier } from "../../protocol/index.js";
import { openDatabase } from "../../gateway/database.js";
import { Outbox } from "../../gateway/outbox.js";
import { rawDurableCommitRate } from "./baselines.js";
import { figure, type Figure } from "./figure.js";
import type { BenchOptions } from "./run.js";

function outboxEnqueueRate(ms: number): number {
  const dir = mkdtempSync(join(tmpdir(), "bench-outbox-"));
  const db = openDatabase(join(dir, "outbox.db"));
  const outbox = new Outbox(db);
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    outbox.enqueue({ code: Cid.Burglary, q: Qualifier.New, area: 1, zone: 1 + (n % 32), at: Date.now() });
    n++;
  }
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return n / (ms / 1000);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function outboxEnqueueFigures(opts: BenchOptions): Figure[] {
  const rounds = opts.quick ? 2 : 5;
  const ms = opts.quick ? 250 : 1000;
  const raw: number[] = [];
  const ours: number[] = [];
  for (let i = 0; i < rounds; i++) {
    raw.push(rawDurableCommitRate(ms));
    ours.push(outboxEnqueueRate(ms));
  }
  return [
    figure(
      { name: "outbox: durable enqueue rate", value: median(ours), unit: "events/s", baseline: median(raw), baselineName: "raw durable single-row commits", target: "ratio >= 0.8" },
      (_v, r) => r >= 0.8,
    ),
  ];
}
