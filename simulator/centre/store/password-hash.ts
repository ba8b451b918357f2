/**
 * The plain-TCP demo passwords, as both stores keep them: `salt:hash` in hex, scrypt (RFC 7914) with a
 * random 16-byte salt. The broker checks a login with the asynchronous form, so a CONNECT never blocks the
 * event loop for the ~50 ms one scrypt takes; provisioning and the synchronous SQLite registry use the
 * synchronous form.
 */
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from "node:crypto";

const KEY_LEN = 32;

export function hashPasswordSync(password: string): string {
  const salt = randomBytes(16);
  return `${salt.toString("hex")}:${scryptSync(password, salt, KEY_LEN).toString("hex")}`;
}

export function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEY_LEN, (e, key) => (e ? reject(e) : resolve(`${salt.toString("hex")}:${key.toString("hex")}`))),
  );
}

function split(stored: string): { salt: Buffer; want: Buffer } {
  const [salt, hash] = stored.split(":");
  return { salt: Buffer.from(salt ?? "", "hex"), want: Buffer.from(hash ?? "", "hex") };
}

const same = (want: Buffer, got: Buffer) => want.length === got.length && timingSafeEqual(want, got);

export function verifyPasswordSync(stored: string | null | undefined, password: string): boolean {
  if (!stored) return false;
  const { salt, want } = split(stored);
  return same(want, scryptSync(password, salt, KEY_LEN));
}

export function verifyPassword(stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) return Promise.resolve(false);
  const { salt, want } = split(stored);
  return new Promise((resolve, reject) => scrypt(password, salt, KEY_LEN, (e, got) => (e ? reject(e) : resolve(same(want, got)))));
}
