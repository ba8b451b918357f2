/**
 * The centre's own receivers' TLS client certificates, kept in the centre directory
 * (`receivers/receiver-<n>.key.pem`, `.cert.pem`). Each receiver needs its own CN: Mosquitto makes the
 * CN the client id, and two connections with one id take each other's session over.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RegistryPort } from "../store-pg/port.js";
import { CentreError } from "../errors.js";
import { issueCentreClientOn, type CentreDir } from "./provisioning.js";

export interface ReceiverCredentials {
  readonly name: string;
  readonly key: string;
  readonly cert: string;
  /** Issued by this call (the broker's files need rewriting). */
  readonly issued: boolean;
}

export const receiverName = (n: number) => `receiver-${n}`;

export async function receiverCredentials(c: CentreDir, registry: RegistryPort, n: number, mayIssue: boolean): Promise<ReceiverCredentials> {
  const name = receiverName(n);
  const dir = join(c.dir, "receivers");
  const keyFile = join(dir, `${name}.key.pem`);
  const certFile = join(dir, `${name}.cert.pem`);
  let issued = false;
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    if (!mayIssue) throw new CentreError("pki", `${certFile} is missing: run alarm-provision --centre ${c.dir} --receivers ${n}, then restart Mosquitto`);
    const kc = await issueCentreClientOn(c, registry, "receiver", name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(keyFile, kc.keyPem, { mode: 0o600 });
    writeFileSync(certFile, kc.certPem);
    issued = true;
  }
  return { name, key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8"), issued };
}
