/**
 * Caller passwords and operator passwords are stored as salted scrypt hashes, the same format as the
 * panel's user codes (firmware/codes/code-hash.ts), so one verifier serves both.
 */
import { DEFAULT_SCRYPT, hashCode, verifyCode, type ScryptParams } from "../../../firmware/codes/code-hash.js";

export type { ScryptParams };
export { DEFAULT_SCRYPT };

/** Cheap parameters for tests only: the format is the same, the cost is not. */
export const TEST_SCRYPT: ScryptParams = { N: 1024, r: 8, p: 1 };

export function hashSecret(secret: string, params: ScryptParams = DEFAULT_SCRYPT): string {
  return hashCode(secret, params);
}

export function verifySecret(secret: string, hash: string): boolean {
  return verifyCode(secret, hash);
}
