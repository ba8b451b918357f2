/**
 * The files a centre directory gives Mosquitto, rewritten by every provisioning run from the registry
 * (SQLite or PostgreSQL, through the store port):
 * `crl.pem` (RFC 5280 §5, signed by the centre CA, renewed here), `dynamic-security.json` (a role per
 * panel, from acl.ts) and `mosquitto.conf` (real paths, the port given at --init or later with
 * --mqtt-port). A subject whose every certificate is revoked stays listed, disabled and without a role.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import forge from "node-forge";
import { DYNSEC_FILE, mosquittoConf } from "./mosquitto-conf.js";
import { ADMIN_CLIENT, dynsecConfig } from "./mosquitto-dynsec.js";
import { runningAsRoot } from "./broker-mosquitto.js";
import type { RegistryPort } from "../store-pg/port.js";
import { CentreError } from "../errors.js";
import { createCrl } from "../pki/pki-crl.js";
import type { CentreDir } from "../pki/provisioning.js";

export const CRL_FILE = "crl.pem";
const BROKER_CONF = "broker.json";
const DAY = 86_400_000;

export interface BrokerSettings {
  readonly port: number;
  readonly host: string;
  /** CRL validity in days. */
  readonly crlDays: number;
}

const DEFAULT_BROKER: BrokerSettings = { port: 8883, host: "127.0.0.1", crlDays: 30 };

export function brokerSettings(c: CentreDir): BrokerSettings {
  const f = join(c.dir, BROKER_CONF);
  if (!existsSync(f)) return DEFAULT_BROKER;
  return { ...DEFAULT_BROKER, ...(JSON.parse(readFileSync(f, "utf8")) as Partial<BrokerSettings>) };
}

/** Who holds certificates, by role; `revoked` holds those with no live certificate left. */
export async function certificateHolders(registry: RegistryPort): Promise<{ panels: string[]; receivers: string[]; operators: string[]; revoked: string[] }> {
  const rows = await registry.certificateHolders();
  const of = (role: string) => rows.filter((r) => r.role === role && r.subject !== ADMIN_CLIENT).map((r) => r.subject);
  return { panels: of("panel"), receivers: of("receiver"), operators: of("operator"), revoked: rows.filter((r) => r.revoked).map((r) => r.subject) };
}

/** Write crl.pem, dynamic-security.json and mosquitto.conf from the registry (either store); returns the settings used. */
export async function writeBrokerFiles(c: CentreDir, registry: RegistryPort, change: Partial<BrokerSettings> = {}, now = Date.now()): Promise<BrokerSettings> {
  const s = { ...brokerSettings(c), ...change };
  const [revoked, h] = await Promise.all([registry.revokedCertificates(), certificateHolders(registry)]);
  writeFileSync(join(c.dir, BROKER_CONF), JSON.stringify(s, null, 2) + "\n");
  writeFileSync(join(c.dir, CRL_FILE), createCrl(c.ca, revoked, now, s.crlDays));
  const cfg = dynsecConfig({ panels: h.panels, receivers: h.receivers, operators: h.operators, disabled: h.revoked });
  // A disabled subject keeps no role: with certificate identities Mosquitto never checks "disabled".
  const clients = cfg.clients.map((x) => (x.disabled ? { ...x, roles: [] } : x));
  writeFileSync(join(c.dir, DYNSEC_FILE), JSON.stringify({ ...cfg, clients }, null, 2) + "\n", { mode: 0o600 });
  writeFileSync(join(c.dir, "mosquitto.conf"), mosquittoConf({ dir: c.dir, port: s.port, host: s.host, runAsRoot: runningAsRoot() }));
  return s;
}

/** When the centre's CRL lapses (its nextUpdate), or undefined if there is none. */
export function crlNextUpdate(c: CentreDir): number | undefined {
  const f = join(c.dir, CRL_FILE);
  if (!existsSync(f)) return undefined;
  try {
    const der = forge.pem.decode(readFileSync(f, "utf8"))[0]!.body;
    const tbs = forge.asn1.fromDer(der).value[0] as forge.asn1.Asn1;
    const next = (tbs.value as forge.asn1.Asn1[])[3]!;
    return forge.asn1.utcTimeToDate(next.value as string).getTime();
  } catch (e) {
    throw new CentreError("pki", `${f} is not a readable CRL: ${(e as Error).message}`);
  }
}

/** A warning line when the CRL lapses within `warnDays` (Mosquitto and TLS clients then refuse everyone). */
export function crlWarning(c: CentreDir, now = Date.now(), warnDays = 7): string | undefined {
  const next = crlNextUpdate(c);
  if (next === undefined) return `no ${CRL_FILE} in ${c.dir}: run alarm-provision --centre ${c.dir} --crl`;
  if (next - now > warnDays * DAY) return undefined;
  const when = new Date(next).toISOString();
  return next <= now ? `${CRL_FILE} lapsed at ${when}: run alarm-provision --crl` : `${CRL_FILE} lapses at ${when}: run alarm-provision --crl`;
}
