/**
 * The centre's own receivers' TLS client certificates, kept in the centre directory
 * (`receivers/receiver-<n>.key.pem`, `.cert.pem`). Each receiver needs its own CN: Mosquitto makes the
 * CN the client id, and two connections with one id take each other's session over. keptClientCredentials
 * keeps alarm-provision's dynsec-admin certificate the same way.
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
  const kept = await keptClientCredentials(c, registry, "receiver", name, dir, mayIssue);
  if (!kept) throw new CentreError("pki", `${join(dir, `${name}.cert.pem`)} is missing: run alarm-provision --centre ${c.dir} --receivers ${n}, then restart Mosquitto`);
  return { name, ...kept };
}

/**
 * A centre client's key and certificate kept in `dir` (`<name>.key.pem`, `<name>.cert.pem`), issued there
 * when either file is missing; undefined then if it may not issue.
 */
export async function keptClientCredentials(
  c: CentreDir,
  registry: RegistryPort,
  role: Parameters<typeof issueCentreClientOn>[2],
  name: string,
  dir: string,
  mayIssue = true,
): Promise<{ key: string; cert: string; issued: boolean } | undefined> {
  const keyFile = join(dir, `${name}.key.pem`);
  const certFile = join(dir, `${name}.cert.pem`);
  let issued = false;
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    if (!mayIssue) return undefined;
    const kc = await issueCentreClientOn(c, registry, role, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(keyFile, kc.keyPem, { mode: 0o600 });
    writeFileSync(certFile, kc.certPem);
    issued = true;
  }
  return { key: readFileSync(keyFile, "utf8"), cert: readFileSync(certFile, "utf8"), issued };
}
