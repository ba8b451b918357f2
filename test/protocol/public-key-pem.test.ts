/**
 * publicKeyFromPem reads the usual one-line Ed25519 SPKI PEM itself (RFC 8410 §4: a fixed 12-byte DER
 * prefix, then the 32-byte key) and imports the raw key; every other PEM goes to OpenSSL as before. Either
 * way the key is the one OpenSSL reads from the same PEM, and what is not an Ed25519 public key is bad-key.
 */
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { generateEd25519, publicKeyFromPem } from "../../protocol/index.js";
import { codeOf as code } from "./code-of.js";

const openssl = (pem: string) => createPublicKey({ key: pem, format: "pem" });

describe("publicKeyFromPem", () => {
  it("gives the key OpenSSL reads from the same PEM, for many keys, with LF and CRLF line ends", () => {
    for (let i = 0; i < 200; i++) {
      const { publicPem } = generateEd25519();
      for (const pem of [publicPem, publicPem.replace(/\n/g, "\r\n"), publicPem.trimEnd()]) {
        const k = publicKeyFromPem(pem);
        expect(k.asymmetricKeyType).toBe("ed25519");
        expect(k.equals(openssl(publicPem))).toBe(true);
      }
    }
  });

  it("a PEM laid out otherwise (base64 over two lines) still goes through OpenSSL", () => {
    const { publicPem } = generateEd25519();
    const [head, b64, tail] = publicPem.trim().split("\n");
    const wrapped = `${head}\n${b64!.slice(0, 30)}\n${b64!.slice(30)}\n${tail}\n`;
    expect(publicKeyFromPem(wrapped).equals(openssl(publicPem))).toBe(true);
  });

  it("refuses a private key, another algorithm, a damaged prefix and junk with bad-key", () => {
    const pair = generateEd25519();
    const x25519 = generateKeyPairSync("x25519").publicKey.export({ type: "spki", format: "pem" }).toString();
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" }).toString();
    // Same length and layout as an Ed25519 SPKI, but the OID of X25519 (1.3.101.110): the prefix check refuses it.
    expect(x25519.length).toBe(pair.publicPem.length);
    const damaged = pair.publicPem.replace("MCowBQYDK2Vw", "MCowBQYDK2Vu");
    expect(damaged).not.toBe(pair.publicPem);
    for (const bad of [pair.privatePem, x25519, ec, damaged, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "junk"]) {
      expect(code(() => publicKeyFromPem(bad))).toBe("bad-key");
    }
  });
});
