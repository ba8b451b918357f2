/**
 * The embedded SQLite centre store behind the async port: today's synchronous CentreStore, unchanged,
 * wrapped so callers are written once for both stores. Errors become StoreErrors (a busy or unreadable
 * file: store-unavailable; a refused write: store-failed); CentreErrors pass as they are.
 */
import { operatorStep } from "../store/alarm.js";
import { CentreStore } from "../store/centre-store.js";
import type { OpenDbOptions } from "../store/db.js";
import { CentreError } from "../errors.js";
import type { CentreStorePort, FramesPort, GapAlarm, GapFound, LeadershipOptions, RegistryPort, AlarmsPort } from "./port.js";
import type { Leadership } from "./leadership.js";
import { sqliteSchemaVersion } from "../store/sqlite-migrations.js";
import { SqliteLease } from "./sqlite-lease.js";
import { seqGaps } from "../store/seq-gaps.js";
import { StoreError } from "../store/store-error.js";
import { hashPassword, verifyPassword } from "../store/password-hash.js";

/** SQLite result codes that mean "not now" rather than "never" (https://www.sqlite.org/rescode.html). */
const UNAVAILABLE = ["SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_FULL", "SQLITE_READONLY"];

/** A better-sqlite3 failure as the store's typed error (CentreError and StoreError pass unchanged). */
export function sqliteStoreError(e: unknown): unknown {
  if (e instanceof CentreError || e instanceof StoreError) return e;
  const code = (e as { code?: unknown }).code;
  const msg = (e as Error).message ?? String(e);
  if (typeof code === "string" && UNAVAILABLE.some((c) => code.startsWith(c))) return new StoreError("store-unavailable", `${code}: ${msg}`);
  if (e instanceof TypeError && /database connection is not open/.test(msg)) return new StoreError("store-unavailable", msg);
  return new StoreError("store-failed", typeof code === "string" ? `${code}: ${msg}` : msg);
}

function now<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw sqliteStoreError(e);
  }
}

function guard<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(sqliteStoreError(e));
  }
}

export class SqliteCentreStore implements CentreStorePort {
  readonly kind = "sqlite" as const;
  readonly registry: RegistryPort;
  readonly frames: FramesPort;
  readonly alarms: AlarmsPort;

  private constructor(readonly store: CentreStore) {
    const { db, registry, alarms, frames } = store;
    // The services share this connection (services/sqlite-services-db.ts): a write here while one of their
    // transactions is open would join it, committed only with it, or rolled back with it, after the
    // receiver had ACKed. Refused instead as "not now": the frames are held and the panel resends.
    const alone = <T>(fn: () => T) => () => {
      if (db.inTransaction) throw new StoreError("store-unavailable", "another transaction is open on this connection; try again");
      return fn();
    };
    const write = <T>(fn: () => T): Promise<T> => guard(alone(fn));
    this.registry = {
      addPanel: (panel, category, at) => write(() => registry.addPanel(panel, category, at)),
      addFrameKey: (kid, panel, pem, at) => write(() => registry.addFrameKey(kid, panel, pem, at)),
      panel: (panel) => guard(() => registry.panel(panel)),
      panels: () => guard(() => registry.panels()),
      setStatus: (panel, status, at) => write(() => registry.setStatus(panel, status, at)),
      frameKey: (kid) => guard(() => registry.frameKey(kid)),
      frameKeyNow: (kid) => now(() => registry.frameKey(kid)),
      revoke: (subject, at) => write(() => registry.revoke(subject, at)),
      enrolPanel: async (e, password) => {
        const hash = password === undefined ? undefined : await hashPassword(password);
        return write(() => registry.enrol(e, hash));
      },
      addCertificate: (serial, subject, role, at) => write(() => registry.addCertificate(serial, subject, role, at)),
      isCertificateRevoked: (serial) => guard(() => registry.isCertificateRevoked(serial)),
      revokedCertificates: () => guard(() => registry.revokedCertificates()),
      certificateHolders: () => guard(() => registry.certificateHolders()),
      setPassword: async (panel, password) => {
        const hash = await hashPassword(password);
        return write(() => registry.setPasswordHash(panel, hash));
      },
      checkPassword: async (panel, password) => verifyPassword(await guard(() => registry.passwordHash(panel)), password),
    };

    // The gap check of gap-detector.ts, as one immediate transaction.
    const settled = db.prepare("SELECT MAX(seq) AS h FROM frames WHERE panel = ? AND received_at <= ?");
    const first = db.prepare("SELECT MIN(seq) AS m FROM frames WHERE panel = ?");
    const checked = db.prepare("SELECT gap_checked AS c FROM panels WHERE panel = ?");
    const seqs = db.prepare("SELECT seq FROM frames WHERE panel = ? AND seq > ? AND seq <= ? ORDER BY seq").pluck();
    const mark = db.prepare("UPDATE panels SET gap_checked = ? WHERE panel = ?");
    const after = db.prepare("SELECT MIN(received_at) AS t FROM frames WHERE panel = ? AND received_at > ?");
    const gapCheck = db.transaction((panel: string, now: number, graceMs: number, alarm: GapAlarm): GapFound[] => {
      const high = (settled.get(panel, now - graceMs) as { h: number | null }).h;
      if (high === null) return [];
      const c = (checked.get(panel) as { c: number | null } | undefined)?.c;
      const base = c ?? (first.get(panel) as { m: number }).m - 1;
      if (high <= base) return [];
      const found = seqGaps(base, seqs.all(panel, base, high) as number[]).map(
        ({ from, to }): GapFound => ({ panel, from, to, alarmId: alarms.raise({ panel, ...alarm(from, to), at: now }).id }),
      );
      mark.run(high, panel);
      return found;
    });
    const latest = db.prepare("SELECT received_at AS at, payload FROM frames WHERE panel = ? AND payload LIKE ? ORDER BY seq DESC LIMIT 1");
    this.frames = {
      store: (batch, at, receiver) => write(() => frames.store(batch, at, receiver)),
      storeNow: (batch, at, receiver) => now(alone(() => frames.store(batch, at, receiver))),
      has: (panel, seq) => guard(() => frames.has(panel, seq)),
      evidence: (panel, seq) => guard(() => frames.evidence(panel, seq)),
      count: (panel) => guard(() => frames.count(panel)),
      latestWith: (panel, field) =>
        guard(() => {
          const row = latest.get(panel, `%"${field}"%`) as { at: number; payload: string } | undefined;
          return row && { at: row.at, payload: JSON.parse(row.payload) as unknown };
        }),
      checkGaps: (panel, now, graceMs, alarm) => write(() => gapCheck.immediate(panel, now, graceMs, alarm)),
      oldestArrivalAfter: (panel, t) => guard(() => (after.get(panel, t) as { t: number | null }).t ?? undefined),
    };

    // operator-queue.ts's step, as one immediate transaction: two operators cannot take one alarm.
    const step = db.transaction((id: number, action: Parameters<AlarmsPort["transition"]>[1], operator: string, at: number, note: string | null) => {
      const { state, owner } = operatorStep(alarms.get(id), action, operator);
      alarms.setState(id, state, owner, at, note);
      return alarms.get(id);
    });
    const raise = db.transaction((r: Parameters<AlarmsPort["raise"]>[0]) => alarms.raise(r));
    this.alarms = {
      raise: (r) => write(() => raise.immediate(r)),
      get: (id) => guard(() => alarms.get(id)),
      list: (all) => guard(() => alarms.list(all)),
      transition: (id, action, operator, at, note) => write(() => step.immediate(id, action, operator, at, note)),
      frames: (id) => guard(() => alarms.frames(id)),
      entries: (id) => guard(() => alarms.entries(id)),
    };
  }

  /** Open (and migrate) the file at `path`, shared by every receiver on this machine, or ":memory:". */
  static open(path: string, opts: OpenDbOptions & { now?: () => number } = {}): SqliteCentreStore {
    let store: CentreStore | undefined;
    try {
      store = CentreStore.open(path, opts); // migrated to the newest schema there
      return new SqliteCentreStore(store);
    } catch (e) {
      store?.close();
      throw sqliteStoreError(e);
    }
  }

  /**
   * The port over a CentreStore opened elsewhere (the demo, tests, the provisioning tools), already at the
   * newest schema (CentreStore.open migrates), but borrowed, so `close()` leaves it open for its owner.
   */
  static over(store: CentreStore): SqliteCentreStore {
    const port = new SqliteCentreStore(store);
    port.borrowed = true;
    return port;
  }

  private borrowed = false;

  schemaVersion(): Promise<number> {
    return guard(() => sqliteSchemaVersion(this.store.db));
  }

  leadership(name: string, opts: LeadershipOptions): Leadership {
    return new SqliteLease(this.store.db, name, opts.holder, opts.ttlMs ?? 15_000, opts.now ?? Date.now);
  }

  async close(): Promise<void> {
    if (!this.borrowed) this.store.close();
  }
}
