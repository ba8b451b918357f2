/**
 * Centre store bytes per drained event: a 10,000-event backlog as the gateway sends it (signed batch frames
 * of 64 events, protocol/event-batch.ts), turned into rows by the receiver (frame-events.ts) and stored in
 * group commits of up to 4,096 rows, on both stores; then the store's size divided by the events.
 * SQLite: the pages in use (page_count - freelist_count) after a checkpoint. PostgreSQL: every relation of
 * the centre's schema (tables, TOAST, indexes) after VACUUM.
 *
 *   npx tsx test/bench/evidence-bytes.ts [--events 10000] [--batch 64] [--no-postgres] [--detail]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Cid, PROTOCOL_VERSION, Qualifier, generateEd25519, privateKeyFromPem, sealUplink, type UplinkPayload } from "../../protocol/index.js";
import { frameEvents } from "../../simulator/centre/receiver/frame-events.js";
import type { CentreStorePort, FrameToStore } from "../../simulator/centre/store-pg/port.js";
import { PgCentreStore } from "../../simulator/centre/store-pg/pg-store.js";
import { SqliteCentreStore } from "../../simulator/centre/store-pg/sqlite-store.js";
import { createDatabase, postgresAvailable, startPostgres } from "../support/postgres.js";

const T0 = Date.UTC(2026, 10, 30);
const PANEL = "drain-1";
const ROWS_PER_COMMIT = 4_096;

/** The rows a drain of `events` events in frames of `batch` hands the store, in commit-sized groups. */
export function drainRows(events: number, batch: number): FrameToStore[][] {
  const signer = { kid: PANEL, key: privateKeyFromPem(generateEd25519().privatePem) };
  const rows: FrameToStore[] = [];
  for (let s = 0; s < events; s += batch) {
    const seqs = Array.from({ length: Math.min(batch, events - s) }, (_, i) => s + i);
    const evs = seqs.map((q) => ({ code: Cid.OpenClose, q: Qualifier.Restore, area: 1, user: 1 + (q % 99), at: T0 }));
    const payload = { v: PROTOCOL_VERSION, panel: PANEL, seq: s, sent: T0, events: evs, ...(seqs.length > 1 ? { seqs } : {}) } as UplinkPayload;
    rows.push(...frameEvents(PANEL, PANEL, payload, sealUplink(payload, signer)));
  }
  const out: FrameToStore[][] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_COMMIT) out.push(rows.slice(i, i + ROWS_PER_COMMIT));
  return out;
}

async function fill(store: CentreStorePort, commits: FrameToStore[][]): Promise<void> {
  await store.registry.addPanel(PANEL, "SP4", T0);
  for (const [i, c] of commits.entries()) await store.frames.store(c, T0 + i, "bench");
}

export async function sqliteBytesPerEvent(events: number, batch: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "bench-evidence-"));
  try {
    const s = SqliteCentreStore.open(join(dir, "centre.db"), { now: () => T0 });
    await fill(s, drainRows(events, batch));
    const db = s.store.db;
    db.pragma("wal_checkpoint(TRUNCATE)");
    const used = ((db.pragma("page_count", { simple: true }) as number) - (db.pragma("freelist_count", { simple: true }) as number)) * (db.pragma("page_size", { simple: true }) as number);
    await s.close();
    return used / events;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function postgresBytesPerEvent(events: number, batch: number, detail = false): Promise<number> {
  const server = await startPostgres();
  try {
    const s = await PgCentreStore.open(await createDatabase(server, "bench_evidence"), { now: () => T0 });
    await fill(s, drainRows(events, batch));
    await s.db.query("VACUUM ANALYZE");
    if (detail) {
      const parts = await s.db.query<{ name: string; b: string }>(
        "SELECT c.relname AS name, pg_relation_size(c.oid)::text AS b FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND pg_relation_size(c.oid) > 0 ORDER BY pg_relation_size(c.oid) DESC",
      );
      for (const p of parts) console.log(`    ${p.name}: ${(Number(p.b) / events).toFixed(1)} B/event`);
    }
    const rows = await s.db.query<{ b: string }>(
      "SELECT SUM(pg_total_relation_size(c.oid))::text AS b FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'",
    );
    await s.close();
    return Number(rows[0]!.b) / events;
  } finally {
    await server.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { events: { type: "string", default: "10000" }, batch: { type: "string", default: "64" }, "no-postgres": { type: "boolean", default: false }, detail: { type: "boolean", default: false } } });
  const events = Number(values.events);
  const batch = Number(values.batch);
  console.log(`centre store bytes per drained event (${events} events, ${batch} per frame)`);
  console.log(`  SQLite:     ${(await sqliteBytesPerEvent(events, batch)).toFixed(1)}`);
  if (!values["no-postgres"] && postgresAvailable()) console.log(`  PostgreSQL: ${(await postgresBytesPerEvent(events, batch, values.detail)).toFixed(1)}`);
}
