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

/** An Ed25519 SPKI PEM as OpenSSL and node:crypto write it: one line of base64 over 44 DER bytes. */
const ED25519_SPKI_PEM = /^-----BEGIN PUBLIC KEY-----\r?\n([A-Za-z0-9+/]{59}=)\r?\n-----END PUBLIC KEY-----\r?\n?$/;
/** SubjectPublicKeyInfo { AlgorithmIdentifier { id-Ed25519 (1.3.101.112) }, BIT STRING of 32 bytes } (RFC 8410 §4). */
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export function publicKeyFromPem(pem: string | Buffer): KeyObject {
  // createPublicKey would quietly derive a public key from a private PEM; a private key handed out
  // where a public one belongs is a mistake worth stopping.
  const text = pem.toString();
  if (text.includes("PRIVATE KEY-----")) throw new ProtocolError("bad-key", "this is a private key; give the public (SPKI) one");
  // The usual PEM is read here and handed over as its raw 32 bytes (JWK), ~15x cheaper than OpenSSL's PEM
  // decoders: a receiver does this for each panel's key it has not seen (or whose cache entry expired).
  const b64 = ED25519_SPKI_PEM.exec(text)?.[1];
  const der = b64 === undefined ? undefined : Buffer.from(b64, "base64");
  if (der && der.length === 44 && der.subarray(0, 12).equals(ED25519_SPKI_PREFIX)) {
    return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: der.subarray(12).toString("base64url") }, format: "jwk" });
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: text, format: "pem" });
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
