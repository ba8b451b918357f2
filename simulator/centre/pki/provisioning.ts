/**
 * The centre's side of provisioning. A centre directory holds the CA, the broker's server certificate,
 * the centre's Ed25519 downlink key and the store; provisioning a panel issues its TLS client
 * certificate, generates and registers its Ed25519 frame key, and writes the panel's config bundle.
 *
 *   <centre>/ca.key.pem ca.cert.pem broker.key.pem broker.cert.pem centre-frame.key.pem centre.json centre.db
 *   <out>/panel.json panel.key.pem panel.cert.pem frame.key.pem frame.pub.pem
 *
 * frame.pub.pem is the panel's public frame key, for `alarmctl decode --pub` on the panel's traffic.
 */
import { PanelBundleFile } from "../../../gateway/device/panel-bundle.js";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { join, resolve } from "node:path";
import { generateEd25519, privateKeyFromPem, publicPemOf, type Signer } from "../../../protocol/index.js";
import type { Role } from "../role.js";
import { createCa, issueCertificate, type KeyAndCert } from "./pki.js";
import { isCategoryName, type CategoryName } from "../../../protocol/supervision.js";
import { CentreStore } from "../store/centre-store.js";
import { hashPasswordSync } from "../store/password-hash.js";
import { CentreError } from "../errors.js";
import type { RegistryPort } from "../store-pg/port.js";
import { recordedStore, recordStore, SQLITE_FILE } from "./centre-store-file.js";
import { redactedLocation } from "../store-pg/store-location.js";

export interface CentreDir {
  readonly dir: string;
  readonly ca: KeyAndCert;
  /** The broker's TLS server certificate (CN localhost, SAN localhost + 127.0.0.1). */
  readonly server: KeyAndCert;
  readonly centreKid: string;
  readonly centreKeyPem: string;
  /** The SQLite file (DIR/centre.db), the store unless DIR/store.json names another. */
  readonly dbPath: string;
  /** The store location: DIR/store.json's (e.g. postgres://...), else `dbPath` (centre-store-file.ts). */
  readonly store: string;
}

/** panel.json as the panel reads it: the one schema is the gateway's (gateway/device/panel-bundle.ts). */
export type PanelBundle = PanelBundleFile;

const read = (dir: string, f: string) => readFileSync(join(dir, f), "utf8");
const write = (dir: string, f: string, s: string, secret = false) => writeFileSync(join(dir, f), s, { mode: secret ? 0o600 : 0o644 });

/**
 * Create the centre directory if needed (idempotent), and load it. `serverNames`: the DNS names and IP
 * addresses panels reach the broker by, besides localhost and 127.0.0.1 (its certificate's SAN). `store`:
 * a store other than DIR/centre.db (a postgres:// URL), recorded in DIR/store.json; the caller opens it
 * (and so migrates it). A centre already recorded with another store is refused: its registry is there.
 */
export function initCentre(dir: string, now = Date.now(), serverNames: readonly string[] = [], store?: string): CentreDir {
  dir = resolve(dir);
  const fresh = !existsSync(join(dir, "centre.json"));
  if (store !== undefined && !fresh) {
    const had = recordedStore(dir) ?? join(dir, SQLITE_FILE);
    if (had !== store) throw new CentreError("already-exists", `${dir} is a centre on another store already (${redactedLocation(had)}); its registry stays there`);
  }
  mkdirSync(dir, { recursive: true });
  if (store !== undefined && store !== join(dir, SQLITE_FILE)) recordStore(dir, store);
  if (fresh) {
    const ca = createCa({ now });
    const isIp = (n: string) => isIP(n) !== 0;
    const dns = ["localhost", ...serverNames.filter((n) => !isIp(n))];
    const ips = ["127.0.0.1", ...serverNames.filter(isIp)];
    const server = issueCertificate(ca, { cn: serverNames[0] ?? "localhost", role: "server", dns, ips, now });
    const centreKey = generateEd25519();
    const kid = `centre-${randomBytes(4).toString("hex")}`;
    write(dir, "ca.key.pem", ca.keyPem, true);
    write(dir, "ca.cert.pem", ca.certPem);
    write(dir, "broker.key.pem", server.keyPem, true);
    write(dir, "broker.cert.pem", server.certPem);
    write(dir, "centre-frame.key.pem", centreKey.privatePem, true);
    write(dir, "centre.json", JSON.stringify({ kid, caSerial: ca.serial, serverSerial: server.serial }, null, 2));
    if (store === undefined) CentreStore.open(join(dir, SQLITE_FILE)).close();
  }
  return loadCentre(dir);
}

export function loadCentre(dir: string): CentreDir {
  dir = resolve(dir);
  let files: Omit<CentreDir, "store">;
  try {
    const meta = JSON.parse(read(dir, "centre.json")) as { kid: string; caSerial: string; serverSerial: string };
    files = {
      dir,
      ca: { keyPem: read(dir, "ca.key.pem"), certPem: read(dir, "ca.cert.pem"), serial: meta.caSerial },
      server: { keyPem: read(dir, "broker.key.pem"), certPem: read(dir, "broker.cert.pem"), serial: meta.serverSerial },
      centreKid: meta.kid,
      centreKeyPem: read(dir, "centre-frame.key.pem"),
      dbPath: join(dir, SQLITE_FILE),
    };
  } catch (e) {
    throw new CentreError("pki", `${dir} is not a centre directory (run with --init first): ${(e as Error).message}`);
  }
  // Outside the try: a centre whose store.json is broken is a centre still, and the error names the file.
  return { ...files, store: recordedStore(dir) ?? join(dir, SQLITE_FILE) };
}

export function centreSigner(c: CentreDir): Signer {
  return { kid: c.centreKid, key: privateKeyFromPem(c.centreKeyPem) };
}

export interface ProvisionPanelOptions {
  readonly panel: string;
  readonly category: CategoryName;
  readonly outDir: string;
  readonly broker: string;
  /** Also create a plain-TCP demo password. */
  readonly password?: boolean;
  /** Overwrite key files already in `outDir` (default: refuse, already-exists). */
  readonly force?: boolean;
  readonly now?: number;
}

/** The bundle's files that hold keys: never overwritten without `force`. */
const BUNDLE_KEYS = ["panel.key.pem", "frame.key.pem"] as const;

/** Refuse to overwrite a key file unless forced (a panel still using it would be locked out). */
export function refuseOverwrite(dir: string, files: readonly string[], force: boolean | undefined): void {
  if (force) return;
  const there = files.filter((f) => existsSync(join(dir, f)));
  if (there.length) throw new CentreError("already-exists", `${join(dir, there[0]!)} exists; --force overwrites it`);
}

interface PanelMaterial {
  readonly now: number;
  readonly out: string;
  readonly tlsCert: KeyAndCert;
  readonly frame: { privatePem: string; publicPem: string };
  readonly kid: string;
  readonly password: string | undefined;
}

function panelMaterial(o: ProvisionPanelOptions, c: CentreDir): PanelMaterial {
  const out = resolve(o.outDir);
  refuseOverwrite(out, BUNDLE_KEYS, o.force);
  const now = o.now ?? Date.now();
  return {
    now,
    out,
    tlsCert: issueCertificate(c.ca, { cn: o.panel, role: "panel", now }),
    frame: generateEd25519(),
    // Short kid: the frame must stay within 128 bytes for a single event (the size budget in protocol/README.md).
    kid: randomBytes(6).toString("hex"),
    password: o.password ? randomBytes(12).toString("base64url") : undefined,
  };
}

/** Provision a panel into the synchronous SQLite store (the demo, tests); provisionPanelOn for any store. */
export function provisionPanel(c: CentreDir, store: CentreStore, o: ProvisionPanelOptions): PanelBundle {
  const m = panelMaterial(o, c);
  store.registry.enrol({ panel: o.panel, category: o.category, serial: m.tlsCert.serial, kid: m.kid, publicPem: m.frame.publicPem, at: m.now }, m.password && hashPasswordSync(m.password));
  return writeBundle(c, o, m);
}

/** Provision a panel into any store (alarm-provision): registered in one transaction, then its files written. */
export async function provisionPanelOn(c: CentreDir, registry: RegistryPort, o: ProvisionPanelOptions): Promise<PanelBundle> {
  const m = panelMaterial(o, c);
  await registry.enrolPanel({ panel: o.panel, category: o.category, serial: m.tlsCert.serial, kid: m.kid, publicPem: m.frame.publicPem, at: m.now }, m.password);
  return writeBundle(c, o, m);
}

/**
 * A new bundle for a panel already registered (a wrong broker address in its bundle, a lost or replaced
 * SD card): its certificates, frame keys and demo password are revoked, the new ones registered, the
 * bundle written. Its category stays the registered one. Not one transaction: should the new keys fail
 * to register, the panel is left revoked, and running it again completes it.
 */
export async function reissuePanelOn(c: CentreDir, registry: RegistryPort, o: Omit<ProvisionPanelOptions, "category">): Promise<PanelBundle> {
  const known = await registry.panel(o.panel);
  if (!known) throw new CentreError("unknown-panel", `${o.panel} is not registered: --panel ${o.panel} without --reissue provisions it`);
  if (!isCategoryName(known.category)) throw new CentreError("bad-category", `${o.panel} has the unknown category ${known.category}`);
  const opts = { ...o, category: known.category };
  const m = panelMaterial(opts, c);
  await registry.revoke(o.panel, m.now);
  await registry.addCertificate(m.tlsCert.serial, o.panel, "panel", m.now);
  await registry.addFrameKey(m.kid, o.panel, m.frame.publicPem, m.now);
  if (m.password !== undefined) await registry.setPassword(o.panel, m.password);
  return writeBundle(c, opts, m);
}

function writeBundle(c: CentreDir, o: ProvisionPanelOptions, m: PanelMaterial): PanelBundle {
  const { out, tlsCert, frame, kid, password } = m;
  mkdirSync(out, { recursive: true });
  write(out, "panel.key.pem", tlsCert.keyPem, true);
  write(out, "panel.cert.pem", tlsCert.certPem);
  write(out, "frame.key.pem", frame.privatePem, true);
  write(out, "frame.pub.pem", frame.publicPem);
  const bundle: PanelBundle = PanelBundleFile.parse({
    panel: o.panel,
    kid,
    category: o.category,
    broker: o.broker,
    caCert: c.ca.certPem,
    clientCert: "panel.cert.pem",
    clientKey: "panel.key.pem",
    frameKey: "frame.key.pem",
    centre: { kid: c.centreKid, publicKey: publicPemOf(privateKeyFromPem(c.centreKeyPem)) },
    ...(password ? { username: o.panel, password } : {}),
  });
  write(out, "panel.json", JSON.stringify(bundle, null, 2), password !== undefined);
  return bundle;
}

/** A TLS client certificate for a receiver or operator (CN = name, OU = role). */
export function issueCentreClient(c: CentreDir, store: CentreStore, role: Exclude<Role, "panel">, name: string, now = Date.now()): KeyAndCert {
  const kc = issueCertificate(c.ca, { cn: name, role, now });
  store.registry.addCertificate(kc.serial, name, role, now);
  return kc;
}

/** The same, registered through the store port (any store). */
export async function issueCentreClientOn(c: CentreDir, registry: RegistryPort, role: Exclude<Role, "panel">, name: string, now = Date.now()): Promise<KeyAndCert> {
  const kc = issueCertificate(c.ca, { cn: name, role, now });
  await registry.addCertificate(kc.serial, name, role, now);
  return kc;
}
