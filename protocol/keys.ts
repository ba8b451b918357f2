/**
 * Ed25519 keys as PEM files: PKCS#8 private, SPKI public, exactly as `openssl genpkey -algorithm ed25519`
 * and `openssl pkey -pubout` write them. node:crypto is the signing hot path (brief: ~28k signs/s).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { ProtocolError } from "./errors.js";

export interface PemKeyPair {
  readonly privatePem: string;
  readonly publicPem: string;
}

export function generateEd25519(): PemKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

export function privateKeyFromPem(pem: string | Buffer): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch (e) {
    throw new ProtocolError("bad-key", `not a PEM private key: ${(e as Error).message}`);
  }
  if (key.asymmetricKeyType !== "ed25519") throw new ProtocolError("bad-key", `expected an ed25519 key, got ${key.asymmetricKeyType}`);
  return key;
}

export function publicKeyFromPem(pem: string | Buffer): KeyObject {
  // createPublicKey would quietly derive a public key from a private PEM; a private key handed out
  // where a public one belongs is a mistake worth stopping.
  if (pem.toString().includes("PRIVATE KEY-----")) throw new ProtocolError("bad-key", "this is a private key; give the public (SPKI) one");
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: "pem" });
  } catch (e) {
    throw new ProtocolError("bad-key", `not a PEM public key: ${(e as Error).message}`);
  }
  if (key.asymmetricKeyType !== "ed25519") throw new ProtocolError("bad-key", `expected an ed25519 key, got ${key.asymmetricKeyType}`);
  return key;
}

/** The public half of a private key, as SPKI PEM. */
export function publicPemOf(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();
}
