/**
 * A certificate revocation list (RFC 5280 §5, version 1: no extensions) signed by the centre CA, for
 * brokers that check revocation themselves: Mosquitto's `crlfile`, Node's `tls` `crl` option. node-forge
 * has no CRL writer, so the ASN.1 is built here. The embedded broker keeps the store's revoked serials and
 * this file's in memory, reloaded every few seconds (broker/revoked-serials.ts), so a revocation needs no
 * restart there.
 */
import forge from "node-forge";
import { CentreError } from "../errors.js";

export interface RevokedEntry {
  /** Hex serial, as pki.ts issues them. */
  readonly serial: string;
  readonly at: number;
}

const { asn1 } = forge;
const SHA256_WITH_RSA = "1.2.840.113549.1.1.11";

function algorithm(): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(SHA256_WITH_RSA).getBytes()),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ""),
  ]);
}

const utc = (ms: number) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(new Date(ms)));

export function createCrl(ca: { keyPem: string; certPem: string }, revoked: readonly RevokedEntry[], now = Date.now(), validDays = 7): string {
  let key: forge.pki.rsa.PrivateKey;
  let cert: forge.pki.Certificate;
  try {
    key = forge.pki.privateKeyFromPem(ca.keyPem) as forge.pki.rsa.PrivateKey;
    cert = forge.pki.certificateFromPem(ca.certPem);
  } catch (e) {
    throw new CentreError("pki", `unreadable CA material: ${(e as Error).message}`);
  }
  const entries = revoked.map((r) =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, forge.util.hexToBytes(r.serial.length % 2 ? `0${r.serial}` : r.serial)),
      utc(r.at),
    ]),
  );
  const tbs = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    algorithm(),
    forge.pki.distinguishedNameToAsn1(cert.subject),
    utc(now),
    utc(now + validDays * 86_400_000),
    // RFC 5280 §5.1.2.6: omitted, not empty, when nothing is revoked.
    ...(entries.length ? [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, entries)] : []),
  ]);
  const md = forge.md.sha256.create();
  md.update(asn1.toDer(tbs).getBytes());
  const signature = key.sign(md);
  const crl = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    algorithm(),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, String.fromCharCode(0) + signature),
  ]);
  const der = asn1.toDer(crl).getBytes();
  return forge.pem.encode({ type: "X509 CRL", body: der }, { maxline: 64 });
}

/** The revoked serials listed in a CRL written by createCrl (lower-case hex), for the embedded broker. */
export function crlSerials(pem: string): string[] {
  try {
    const der = forge.pem.decode(pem)[0]!.body;
    const tbs = (asn1.fromDer(der).value as forge.asn1.Asn1[])[0]!;
    // RFC 5280 §5.1: v1 TBSCertList = signature, issuer, thisUpdate, nextUpdate, [revokedCertificates].
    const fields = tbs.value as forge.asn1.Asn1[];
    const list = fields.find((f, i) => i >= 3 && f.type === asn1.Type.SEQUENCE && f.tagClass === asn1.Class.UNIVERSAL);
    if (!list) return [];
    return (list.value as forge.asn1.Asn1[]).map((entry) => forge.util.bytesToHex((entry.value as forge.asn1.Asn1[])[0]!.value as string).toLowerCase());
  } catch (e) {
    throw new CentreError("pki", `not a readable CRL: ${(e as Error).message}`);
  }
}
