/**
 * Figure: the centre store's group commit on PostgreSQL. Frames per second stored through the store
 * port in batches (one transaction, one multi-row INSERT ... ON CONFLICT per batch), against raw durable
 * single-row commits on the same server in the same run; and two receivers (pools) storing the same
 * frames at once, against one; and the time a second receiver takes to lead once the leader's session is
 * killed, against the poll period. The server is a throwaway cluster on loopback with fsync on.
 */
import pg from "pg";
import { systemClock } from "../../protocol/clock.js";
import { LeaderElector } from "../../simulator/centre/store-pg/leader-elector.js";
import type { UplinkPayload } from "../../protocol/index.js";
import type { FrameToStore } from "../../simulator/centre/store-pg/port.js";
import { PgCentreStore } from "../../simulator/centre/store-pg/pg-store.js";
import { createDatabase, PG_BIN, postgresAvailable, startPostgres } from "../support/postgres.js";
import { figure, type Figure } from "./figure.js";
import type { BenchOptions } from "./run.js";

const T0 = Date.UTC(2026, 0, 1);
const BATCH = 256;

/** Heartbeats, or (`alarms`) burglaries in 4 zones per panel, raised by seqs 0-3 of every 8 and restored by 4-7. */
function frames(panels: number, perPanel: number, alarms = false): FrameToStore[] {
  const out: FrameToStore[] = [];
  for (let s = 0; s < perPanel; s++) {
    for (let p = 0; p < panels; p++) {
      const panel = `P${String(p).padStart(4, "0")}`;
      const payload: UplinkPayload = alarms
        ? { v: 1, panel, seq: s, sent: T0, events: [{ code: 130, q: s % 8 >= 4 ? 3 : 1, area: 1, zone: 1 + (s % 4), at: T0 }] }
        : { v: 1, panel, seq: s, sent: T0, heartbeat: { areas: [], troubles: [], outbox: 0 } };
      out.push({ panel, seq: s, kid: `k-${panel}`, payload, frame: Buffer.alloc(120, s & 0xff) });
    }
  }
  return out;
}

async function groupCommit(store: PgCentreStore, all: readonly FrameToStore[], receiver: string): Promise<number> {
  let stored = 0;
  for (let i = 0; i < all.length; i += BATCH) {
    for (const o of await store.frames.store(all.slice(i, i + BATCH), T0, receiver)) if (o.result === "stored") stored++;
  }
  return stored;
}

/** Raw single-row INSERT commits (autocommit, synchronous_commit on) per second on one connection. */
export async function rawCommits(url: string, ms: number, table = "raw_commits"): Promise<number> {
  const c = new pg.Client(url);
  await c.connect();
  await c.query(`CREATE TABLE ${table} (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body BYTEA NOT NULL)`);
  const body = Buffer.alloc(128, 2);
  for (let i = 0; i < 50; i++) await c.query(`INSERT INTO ${table} (body) VALUES ($1)`, [body]); // warm-up
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    await c.query(`INSERT INTO ${table} (body) VALUES ($1)`, [body]);
    n++;
  }
  await c.end();
  return n / (ms / 1000);
}

/** Real time from the leader's backend being terminated to the other receiver leading, polling every `pollMs`. */
async function takeoverMs(url: string, pollMs: number): Promise<number> {
  const store = await PgCentreStore.open(url);
  const r1 = new LeaderElector(store.leadership("bench", { holder: "r1" }), systemClock, pollMs);
  let led = 0;
  const r2 = new LeaderElector(store.leadership("bench", { holder: "r2" }), systemClock, pollMs, (l) => l && (led = performance.now()));
  r1.start();
  await r1.settled();
  r2.start();
  await r2.settled();
  const admin = new pg.Client(url);
  await admin.connect();
  // The leader crashes half-way between two polls of the other, on average: it polls no more, and its
  // session is cut (as the server does when a process dies).
  await new Promise((r) => setTimeout(r, pollMs / 2));
  const killed = performance.now();
  r1.kill();
  await admin.query("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE application_name = 'leader:bench:r1'");
  while (!r2.leader) {
    if (performance.now() - killed > 50 * pollMs) throw new Error(`no takeover within ${50 * pollMs} ms`);
    await new Promise((r) => setTimeout(r, 1));
  }
  await admin.end();
  await Promise.all([r1.stop(), r2.stop()]);
  await store.close();
  return led - killed;
}

export async function pgStoreFigures(opts: BenchOptions): Promise<Figure[]> {
  if (!postgresAvailable()) {
    const missing = `not measured: no PostgreSQL server in ${PG_BIN} (Debian package postgresql)`;
    return [figure({ name: `centre store: PostgreSQL group commit (${missing})`, value: Number.NaN, unit: "frames/s", baseline: Number.NaN, baselineName: "raw durable single-row commits, same server", target: "PostgreSQL installed" }, () => false)];
  }
  const server = await startPostgres();
  try {
    const panels = 100;
    const perPanel = opts.quick ? 20 : 100;
    const rawUrl = await createDatabase(server, "bench_raw");
    const raw = await rawCommits(rawUrl, opts.quick ? 500 : 3000);

    const one = await PgCentreStore.open(await createDatabase(server, "bench_one"));
    const batch = frames(panels, perPanel);
    let t = performance.now();
    const storedOne = await groupCommit(one, batch, "r1");
    const oneRate = storedOne / ((performance.now() - t) / 1000);
    await one.close();

    // Two receivers get every frame (a redelivery storm) and race: each frame is stored once.
    const url = await createDatabase(server, "bench_two");
    const [a, b] = await Promise.all([PgCentreStore.open(url), PgCentreStore.open(url)]);
    t = performance.now();
    const [sa, sb] = await Promise.all([groupCommit(a, batch, "r1"), groupCommit(b, [...batch].reverse(), "r2")]);
    const twoRate = (sa + sb) / ((performance.now() - t) / 1000);
    await Promise.all([a.close(), b.close()]);
    if (sa + sb !== batch.length) throw new Error(`two racing receivers stored ${sa + sb} of ${batch.length} frames`);

    // Alarm frames (each raises or restores a burglary), between two raw runs on the shared machine.
    const alarmsStore = await PgCentreStore.open(await createDatabase(server, "bench_alarms"));
    for (let p = 0; p < panels; p++) await alarmsStore.registry.addPanel(`P${String(p).padStart(4, "0")}`, "SP4", T0);
    const alarmFrames = frames(panels, perPanel, true);
    t = performance.now();
    const storedAlarms = await groupCommit(alarmsStore, alarmFrames, "r1");
    const alarmRate = storedAlarms / ((performance.now() - t) / 1000);
    await alarmsStore.close();
    const rawAfter = await rawCommits(rawUrl, opts.quick ? 500 : 3000, "raw_commits_after");
    const rawAround = (raw + rawAfter) / 2;

    const pollMs = 200;
    const takeover = await takeoverMs(url, pollMs);

    process.stderr.write(`  postgres: leader takeover ${Math.round(takeover)} ms (poll ${pollMs} ms)\n`);
    process.stderr.write(`  postgres: ${batch.length} frames, batches of ${BATCH}: ${Math.round(oneRate)}/s; 2 racing: ${Math.round(twoRate)}/s; raw commits ${Math.round(raw)}/s\n`);
    process.stderr.write(`  postgres: ${alarmFrames.length} alarm frames, batches of ${BATCH}: ${Math.round(alarmRate)}/s; raw commits ${Math.round(raw)}/s before, ${Math.round(rawAfter)}/s after\n`);
    return [
      figure(
        { name: `centre store: PostgreSQL group commit, ${BATCH}/batch`, value: oneRate, unit: "frames/s", baseline: raw, baselineName: "raw durable single-row commits, same server", target: "ratio >= 5" },
        (_v, r) => r >= 5,
      ),
      figure(
        { name: `centre store: PostgreSQL group commit of alarm frames, ${BATCH}/batch`, value: alarmRate, unit: "frames/s", baseline: rawAround, baselineName: "raw durable single-row commits, same server, before and after", target: "ratio >= 5" },
        (_v, r) => r >= 5,
      ),
      figure(
        { name: "centre store: PostgreSQL, 2 receivers racing on the same frames", value: twoRate, unit: "frames/s", baseline: oneRate, baselineName: "1 receiver, same run", target: "(report only)" },
        () => true,
      ),
      figure(
        { name: "centre store: PostgreSQL leader takeover after its session is killed", value: takeover, unit: "ms", baseline: pollMs, baselineName: "the poll period", target: "ratio <= 1.5" },
        (_v, r) => r <= 1.5,
      ),
    ];
  } finally {
    await server.destroy();
  }
}
