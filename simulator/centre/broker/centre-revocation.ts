/**
 * The embedded broker's revocation check for a centre directory, the same in the centre's thread and in
 * the broker's own thread (broker-worker.ts): the revoked serials of the store and of DIR/crl.pem, kept in
 * memory and reloaded every `everyMs` (revoked-serials.ts); on SQLite, a connect is also checked against
 * the file in the same turn (microseconds), so a revocation is refused at once; PostgreSQL relies on the
 * reloaded set alone. An unreadable crl.pem is logged and counts as empty (the store's list still holds).
 */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Clock } from "../../../protocol/clock.js";
import { crlSerials } from "../pki/pki-crl.js";
import type { CentreStorePort } from "../store-pg/port.js";
import { SqliteCentreStore } from "../store-pg/sqlite-store.js";
import type { Logger } from "../logger.js";
import { CRL_FILE } from "./broker-files.js";
import { RevokedSerials } from "./revoked-serials.js";

export interface CentreRevocationOptions {
  readonly store: CentreStorePort;
  /** The centre directory (its crl.pem). */
  readonly dir: string;
  readonly clock: Clock;
  readonly everyMs?: number;
  readonly onRevoked: (serials: readonly string[]) => void;
  readonly logger: Logger;
}

export interface CentreRevocation {
  readonly revoked: RevokedSerials;
  /** For the TLS accept handler: synchronous, from memory (and the SQLite file). */
  isRevoked(serialHex: string): boolean;
}

/** Loaded once before it returns (throws what the store threw); stop with `revoked.stop()`. */
export async function startCentreRevocation(o: CentreRevocationOptions): Promise<CentreRevocation> {
  const crl = crlFileSerials(o.dir, o.logger);
  const revoked = new RevokedSerials({
    load: async () => [...(await o.store.registry.revokedCertificates()).map((r) => r.serial), ...crl()],
    clock: o.clock,
    ...(o.everyMs !== undefined ? { everyMs: o.everyMs } : {}),
    onRevoked: o.onRevoked,
    logger: o.logger,
  });
  await revoked.start();
  const sqlite = o.store instanceof SqliteCentreStore ? o.store.store.registry : undefined;
  const revokedNow = (serial: string) => {
    try {
      return sqlite?.isCertificateRevoked(serial) ?? false;
    } catch {
      return false; // a busy file: the reloaded set still holds
    }
  };
  return { revoked, isRevoked: (s) => revoked.has(s) || revokedNow(s) };
}

/** The serials in DIR/crl.pem, parsed again only when the file changes (the reload runs every few seconds). */
function crlFileSerials(dir: string, logger: Logger): () => string[] {
  const f = join(dir, CRL_FILE);
  let seen: { mtimeMs: number; size: number; serials: string[] } | undefined;
  return () => {
    try {
      const st = statSync(f);
      if (seen && seen.mtimeMs === st.mtimeMs && seen.size === st.size) return seen.serials;
      seen = { mtimeMs: st.mtimeMs, size: st.size, serials: crlSerials(readFileSync(f, "utf8")) };
      return seen.serials;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") logger.log("warn", "broker: crl.pem not read", { file: f, error: (e as Error).message });
      return [];
    }
  };
}
