/**
 * Which store a centre directory uses, recorded once at `alarm-provision --init --store URL` in
 * `DIR/store.json` ({"store": "postgres://..."}), so every later alarm-provision run, alarm-centre and
 * receiver-main open the same store without being told. Without the file the store is `DIR/centre.db`
 * (SQLite), as before. The URL may hold a password, so the file is the owner's only (0600), like the keys.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CentreError } from "../errors.js";
import { isPostgresUrl } from "../store-pg/open-store.js";

export const STORE_FILE = "store.json";
export const SQLITE_FILE = "centre.db";

/** The store location recorded in `dir`, or undefined (then the SQLite file DIR/centre.db). */
export function recordedStore(dir: string): string | undefined {
  const f = join(dir, STORE_FILE);
  if (!existsSync(f)) return undefined;
  let store: unknown;
  try {
    store = (JSON.parse(readFileSync(f, "utf8")) as { store?: unknown }).store;
  } catch (e) {
    throw new CentreError("bad-argument", `${f} is not readable JSON: ${(e as Error).message}`);
  }
  if (typeof store !== "string" || store.trim() === "") throw new CentreError("bad-argument", `${f} has no "store" location`);
  return store;
}

/** Record `location` as the centre's store (owner-only file: a URL may carry a password). */
export function recordStore(dir: string, location: string): void {
  const f = join(dir, STORE_FILE);
  writeFileSync(f, JSON.stringify({ store: location }, null, 2) + "\n", { mode: 0o600 });
  chmodSync(f, 0o600); // writeFileSync's mode applies only to a new file
}

/** A store location fit for logs and messages: a URL's password replaced by "***". */
export function redactedStore(location: string): string {
  if (!isPostgresUrl(location)) return location;
  try {
    const u = new URL(location);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return location.replace(/:\/\/([^:@/]*):[^@/]*@/, "://$1:***@");
  }
}
