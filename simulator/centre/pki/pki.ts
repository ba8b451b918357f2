/**
 * The centre's X.509 PKI with node-forge: a CA, a server certificate for the broker, and client
 * certificates for panels and centre clients (CN = name, OU = role; broker-identity.ts reads them back).
 * RSA keys come from node:crypto, which is ~100x faster than forge's pure-JS generator; forge only
 * builds and signs the certificates.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import forge from "node-forge";
import type { Role } from "../role.js";
import { CentreError } from "../errors.js";

export interface KeyAndCert {
  readonly keyPem: string;
  readonly certPem: string;
  /** Lower-case hex, as the revocation list stores it. */
  readonly serial: string;
}

export interface IssueOptions {
  readonly cn: string;
  readonly role: Role | "server";
  /** Days of validity from `now` (default 825). */
  readonly days?: number;
  /** For a server certificate: DNS names and IP addresses it answers for. */
  readonly dns?: readonly string[];
  readonly ips?: readonly string[];
  readonly now?: number;
}

const DAY = 86_400_000;

function rsaKey(): { keyPem: string; key: forge.pki.rsa.PrivateKey; pub: forge.pki.rsa.PublicKey } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  return { keyPem, key, pub: forge.pki.setRsaPublicKey(key.n, key.e) };
}

/** 16 random bytes, top bit clear (positive INTEGER) and no leading zero nibble (stable hex form). */
function newSerial(): string {
  const b = randomBytes(16);
  b[0] = 0x10 + (b[0]! % 0x70);
  return b.toString("hex");
}

function validity(cert: forge.pki.Certificate, now: number, days: number): void {
  cert.validity.notBefore = new Date(now - 60_000);
  cert.validity.notAfter = new Date(now + days * DAY);
}

export function createCa(opts: { cn?: string; days?: number; now?: number } = {}): KeyAndCert {
  const { keyPem, key, pub } = rsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = pub;
  cert.serialNumber = newSerial();
  validity(cert, opts.now ?? Date.now(), opts.days ?? 3650);
  const subject = [{ name: "commonName", value: opts.cn ?? "Open Alarm Centre CA" }, { name: "organizationName", value: "open-alarm" }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return { keyPem, certPem: forge.pki.certificateToPem(cert), serial: cert.serialNumber };
}

export function issueCertificate(ca: { keyPem: string; certPem: string }, o: IssueOptions): KeyAndCert {
  let caKey: forge.pki.PrivateKey;
  let caCert: forge.pki.Certificate;
  try {
    caKey = forge.pki.privateKeyFromPem(ca.keyPem);
    caCert = forge.pki.certificateFromPem(ca.certPem);
  } catch (e) {
    throw new CentreError("pki", `unreadable CA material: ${(e as Error).message}`);
  }
  const { keyPem, pub } = rsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = pub;
  cert.serialNumber = newSerial();
  validity(cert, o.now ?? Date.now(), o.days ?? 825);
  cert.setSubject([
    { name: "commonName", value: o.cn },
    { name: "organizationalUnitName", value: o.role },
    { name: "organizationName", value: "open-alarm" },
  ]);
  cert.setIssuer(caCert.subject.attributes);
  const server = o.role === "server";
  const altNames = [...(o.dns ?? []).map((value) => ({ type: 2, value })), ...(o.ips ?? []).map((ip) => ({ type: 7, ip }))];
  cert.setExtensions([
    { name: "basicConstraints", cA: false, critical: true },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: server, clientAuth: !server },
    ...(altNames.length ? [{ name: "subjectAltName", altNames }] : []),
    { name: "subjectKeyIdentifier" },
    { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { keyPem, certPem: forge.pki.certificateToPem(cert), serial: cert.serialNumber };
}
