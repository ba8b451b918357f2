/**
 * Which store a centre directory uses, recorded once at `alarm-provision --init --store URL` in
 * `DIR/store.json` ({"store": "postgres://..."}), so every later alarm-provision run, alarm-centre and
 * receiver-main open the same store without being told. Without the file the store is `DIR/centre.db`
 * (SQLite), as before. The URL may hold a password, so the file is the owner's only (0600), like the keys.
 */
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CentreError } from "../errors.js";
import { redactedLocation } from "../store-pg/store-location.js";

export const STORE_FILE = "store.json";
export const SQLITE_FILE = "centre.db";

/** The store location recorded in `dir`, or undefined (then the SQLite file DIR/centre.db). */
export function recordedStore(dir: string): string | undefined {
  const f = join(dir, STORE_FILE);
  if (!existsSync(f)) return undefined;
  let text: string;
  try {
    text = readFileSync(f, "utf8");
  } catch (e) {
    throw new CentreError("bad-argument", `cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let store: unknown;
  try {
    store = (JSON.parse(text) as { store?: unknown } | null)?.store;
  } catch (e) {
    // JSON.parse quotes the text near the error, and the text may hold a password: the position only.
    const at = /position \d+/.exec((e as Error).message)?.[0];
    throw new CentreError("bad-argument", `${f} is not valid JSON${at ? ` (${at})` : ""}: it should be {"store": "postgres://..."}`);
  }
  if (typeof store !== "string" || store.trim() === "") throw new CentreError("bad-argument", `${f} has no "store" location`);
  return store;
}

/**
 * A warning when DIR/store.json holds a password and others may read it (the file was copied or its mode
 * changed by hand): a password readable beside the CA key's 0600 would undo it. Undefined otherwise.
 */
export function storeFileWarning(dir: string): string | undefined {
  const f = join(dir, STORE_FILE);
  if (!existsSync(f)) return undefined;
  const mode = statSync(f).mode & 0o777;
  if ((mode & 0o077) === 0) return undefined;
  let hasPassword = true; // unparseable: recordedStore reports it; assume the worst here
  try {
    const store = recordedStore(dir);
    hasPassword = store !== undefined && redactedLocation(store) !== store;
  } catch {
    // recordedStore's own error is the caller's to report
  }
  if (!hasPassword) return undefined;
  return `${f} holds the store's password and is readable by others (mode ${mode.toString(8).padStart(4, "0")}): chmod 600 ${f}, or move the password to ~/.pgpass or PGPASSWORD`;
}

/** Record `location` as the centre's store (owner-only file: a URL may carry a password). */
export function recordStore(dir: string, location: string): void {
  const f = join(dir, STORE_FILE);
  writeFileSync(f, JSON.stringify({ store: location }, null, 2) + "\n", { mode: 0o600 });
  chmodSync(f, 0o600); // writeFileSync's mode applies only to a new file
}
