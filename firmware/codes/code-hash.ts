/**
 * User codes are stored only as salted scrypt hashes (RFC 7914): `scrypt$N$r$p$salt-b64$hash-b64`.
 * Hashing runs at the edge (keypad, remote user-add) so the core stays pure and fast.
 */
import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import { FirmwareError } from "../firmware-error.js";

export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** OWASP-style interactive default: N=2^14, r=8, p=1 (~16 MiB, tens of ms). */
export const DEFAULT_SCRYPT: ScryptParams = { N: 16_384, r: 8, p: 1 };
const KEY_LEN = 32;

function derive(code: string, salt: Buffer, { N, r, p }: ScryptParams): Buffer {
  return scryptSync(code, salt, KEY_LEN, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
}

export function hashCode(code: string, params: ScryptParams = DEFAULT_SCRYPT, salt: Buffer = randomBytes(16)): string {
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString("base64")}$${derive(code, salt, params).toString("base64")}`;
}

export function parseHash(hash: string): { params: ScryptParams; salt: Buffer; key: Buffer } {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(hash);
  if (!m) throw new FirmwareError("hash-malformed", "expected scrypt$N$r$p$salt$hash");
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (N < 2 || (N & (N - 1)) !== 0 || r < 1 || p < 1) throw new FirmwareError("hash-malformed", `bad scrypt parameters N=${N} r=${r} p=${p}`);
  const key = Buffer.from(m[5] ?? "", "base64");
  if (key.length !== KEY_LEN) throw new FirmwareError("hash-malformed", `hash must be ${KEY_LEN} bytes`);
  return { params: { N, r, p }, salt: Buffer.from(m[4] ?? "", "base64"), key };
}

/** Constant-time comparison of the derived key. */
export function verifyCode(code: string, hash: string): boolean {
  const { params, salt, key } = parseHash(hash);
  return timingSafeEqual(derive(code, salt, params), key);
}

/** The user whose hash the code matches, or null. Every hash is tried, so timing does not tell which. */
export function matchUser(code: string, users: readonly { user: number; hash: string }[]): number | null {
  let found: number | null = null;
  for (const u of users) if (verifyCode(code, u.hash) && found === null) found = u.user;
  return found;
}
