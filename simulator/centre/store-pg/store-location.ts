/**
 * The centre store's location as a user types it (`--store`, `DIR/store.json`): a `postgres://` URL, or a
 * SQLite file path. A URL may hold a password, so every message and log line shows it redacted.
 */
import { resolve } from "node:path";
import { StoreError } from "../store/store-error.js";

/** `postgres://` or `postgresql://` (libpq's two schemes). */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/** Anything of the form `scheme://`: a URL, never a file name. */
export function hasScheme(location: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location);
}

/**
 * A `--store` value made absolute: a postgres:// URL as given, a file path resolved against the working
 * directory. Any other `scheme://` (a typo such as `postgress://`) is `bad-location`, not a file named so.
 */
export function storeLocationFlag(value: string): string {
  if (value.trim() === "") throw new StoreError("bad-location", "--store wants a postgres:// URL or a SQLite file path");
  if (isPostgresUrl(value)) return value;
  if (hasScheme(value)) throw new StoreError("bad-location", `centre store ${redactedLocation(value)}: not a postgres:// URL (postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE) nor a SQLite file path`);
  return resolve(value);
}

/** A store location fit for logs and messages: the password of any `scheme://user:password@` is "***". */
export function redactedLocation(location: string): string {
  if (!hasScheme(location)) return location;
  try {
    const u = new URL(location);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    // Not parseable (a typo): mask everything between the first ':' after '//' and the last '@'.
    return location.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*):[^]*@/i, "$1:***@");
  }
}
