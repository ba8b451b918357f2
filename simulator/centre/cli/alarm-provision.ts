/**
 * alarm-provision: the centre's PKI, panel bundles, revocation and the broker's files.
 *
 *   alarm-provision --centre DIR --init [--store postgres://...] [--mqtt-port 8883] [--listen 127.0.0.1]
 *   alarm-provision --centre DIR --panel ID --out DIR [--category SP4] [--broker URL] [--password] [--force] [--reissue]
 *   alarm-provision --centre DIR --client receiver|operator --name NAME --out DIR [--force]
 *   alarm-provision --centre DIR --revoke ID
 *   alarm-provision --centre DIR --crl [--crl-days 30]
 *   alarm-provision --centre DIR --add-operator NAME --role operator|supervisor|admin
 *
 * The registry lives in the centre's store: DIR/centre.db (SQLite), or the one given with --init --store
 * (recorded in DIR/store.json, used by every later run and by alarm-centre). Every run rewrites the centre's crl.pem, dynamic-security.json and mosquitto.conf from the registry
 * (broker-files.ts); with --mosquitto URL a running Mosquitto is told at once through $CONTROL (a new
 * panel's role, a revoked client cut off). A centre directory that does not exist is refused without
 * --init; key files are never overwritten without --force.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { intFlag, processIo, runCommand, UsageError, type Io } from "../../../protocol/cli/command-line.js";
import { isCategoryName } from "../../../protocol/supervision.js";
import { openCentreStore } from "../store-pg/open-store.js";
import { storeLocationFlag } from "../store-pg/store-location.js";
import type { CentreStorePort, RegistryPort } from "../store-pg/port.js";
import { redactedLocation } from "../store-pg/store-location.js";
import { CentreError } from "../errors.js";
import { addPanel as addPanelLive, cutOffClient } from "../broker/dynsec-control.js";
import { ADMIN_CLIENT } from "../broker/mosquitto-dynsec.js";
import { certificateHolders, crlWarning, writeBrokerFiles } from "../broker/broker-files.js";
import { initCentre, issueCentreClientOn, loadCentre, provisionPanelOn, refuseOverwrite, reissuePanelOn, type CentreDir } from "../pki/provisioning.js";
import { keptClientCredentials, receiverCredentials, receiverName } from "../pki/receiver-credentials.js";
import { ROLES, Username, type Role } from "../services/operators.js";
import { addOperator } from "./add-operator.js";
import { readSecret } from "./read-secret.js";

const noPassword = (): Promise<string> => Promise.reject(new CentreError("bad-argument", "no password source for --add-operator"));

/** Where --add-operator takes the password from when set (scripts); never from the command line. */
export const PASSWORD_ENV = "OPEN_ALARM_OPERATOR_PASSWORD";

export const USAGE = `usage: alarm-provision --centre DIR <action> [options]

actions:
  --init                      create the centre directory (CA, broker certificate, centre key, store)
      [--store LOCATION]      the centre's store: postgres://USER[:PASSWORD]@HOST:PORT/DB (recorded in
                              DIR/store.json, mode 0600, for every later run and alarm-centre), or a SQLite
                              file; default DIR/centre.db
      [--server-name NAME ...]  names and addresses panels reach the broker by (its certificate's SAN,
                              besides localhost and 127.0.0.1); repeat the flag for several
  --panel ID --out DIR        provision a panel: certificate, frame key, DIR/panel.json, DIR/frame.pub.pem
      [--category SP4] [--broker mqtts://127.0.0.1:8883] [--password] [--force] [--reissue]
  --client receiver|operator --name NAME --out DIR [--force]
                              a certificate for a centre client
  --revoke ID                 revoke every certificate and frame key of a panel or client
  --crl                       renew crl.pem only
  --add-operator NAME --role operator|supervisor|admin
                              a login for alarm-centre's console and API (the first admin of a new
                              centre; later ones an admin adds over the API). The password is never an
                              argument: ${PASSWORD_ENV} if set, else typed at a prompt (no echo),
                              else the first line of stdin

options:
  --centre DIR                the centre directory (must exist unless --init)
  --receivers N               certificates for the centre's receivers 1..N (default 1 at --init)
  --crl-days N                validity of crl.pem in days (default 30; kept for later runs)
  --mqtt-port N, --listen HOST
                              Mosquitto's port and address in the generated mosquitto.conf (kept)
  --mosquitto URL             also apply the change to a running Mosquitto through $CONTROL
  --force                     overwrite existing key files
  --reissue                   with --panel, for a panel already registered: revoke its certificate, frame
                              key and password, issue new ones in a new bundle (a wrong --broker in the
                              old bundle, a replaced SD card); its category stays
  --help, --version

Every run rewrites DIR/crl.pem, DIR/dynamic-security.json and DIR/mosquitto.conf:
  mosquitto -c DIR/mosquitto.conf`;

const OPTIONS = {
  centre: { type: "string" },
  init: { type: "boolean" },
  panel: { type: "string" },
  out: { type: "string" },
  category: { type: "string" },
  broker: { type: "string", default: "mqtts://127.0.0.1:8883" },
  password: { type: "boolean" },
  client: { type: "string" },
  name: { type: "string" },
  revoke: { type: "string" },
  crl: { type: "boolean" },
  "crl-days": { type: "string" },
  "mqtt-port": { type: "string" },
  listen: { type: "string" },
  mosquitto: { type: "string" },
  force: { type: "boolean" },
  reissue: { type: "boolean" },
  receivers: { type: "string" },
  "server-name": { type: "string", multiple: true },
  store: { type: "string" },
  "add-operator": { type: "string" },
  role: { type: "string" },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>["values"];

/** For tests: parse and run, throwing typed errors instead of printing them. */
export async function runProvision(argv: readonly string[], print: (s: string) => void = console.log, password?: () => Promise<string>): Promise<void> {
  const { values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true });
  await provision(values, print, print, password);
}

export function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  return runCommand({ name: "alarm-provision", usage: USAGE, options: OPTIONS }, argv, io, async ({ values }) => {
    const password = () => readSecret(io, { env: PASSWORD_ENV, prompt: `password for ${values["add-operator"]}: ` });
    await provision(values, (s) => io.stdout.write(`${s}\n`), (s) => io.stderr.write(`alarm-provision: warning: ${s}\n`), password);
  });
}

/**
 * A new centre directory on a store that already holds a registry would get a second CA beside the first
 * centre's panels (a wrong database name, say). A second machine of one centre copies its directory instead.
 */
async function refuseAnotherCentresStore(registry: RegistryPort, location: string): Promise<void> {
  const holders = await registry.certificateHolders();
  if (holders.length === 0) return;
  const panels = holders.filter((h) => h.role === "panel").length;
  throw new CentreError(
    "already-exists",
    `${redactedLocation(location)} holds another centre's registry already (${holders.length} certificate holder(s), ${panels} panel(s)): a new centre needs its own database; another machine of that centre copies its centre directory instead of --init`,
  );
}

function openCentre(a: Values, store: string | undefined): CentreDir {
  if (!a.centre) throw new UsageError("--centre DIR is required (see --help)");
  const dir = resolve(a.centre);
  const names = a["server-name"] ?? [];
  if (names.length && !a.init) throw new UsageError("--server-name goes with --init");
  if (names.length && existsSync(join(dir, "centre.json"))) throw new CentreError("already-exists", `${dir} has its broker certificate already; --server-name applies to a new centre`);
  if (a.init) return initCentre(dir, Date.now(), names, store);
  if (!existsSync(dir)) throw new CentreError("bad-argument", `${dir} does not exist (--init creates a centre directory)`);
  return loadCentre(dir);
}

/**
 * A certificate's CN is its username on Mosquitto: a panel named like a receiver (or the admin) would hold
 * that client's rights, so a name is used by one subject of one role only.
 */
async function refuseNameInUse(registry: RegistryPort, name: string, role: string): Promise<void> {
  const h = await certificateHolders(registry);
  const taken = name === ADMIN_CLIENT ? "the dynamic-security admin" : role !== "panel" && h.panels.includes(name) ? "a panel" : role !== "receiver" && h.receivers.includes(name) ? "a receiver" : role !== "operator" && h.operators.includes(name) ? "an operator" : undefined;
  if (taken) throw new CentreError("already-exists", `${name} is the name of ${taken}`);
}

export async function provision(a: Values, print: (s: string) => void, warn: (s: string) => void = print, password: () => Promise<string> = noPassword): Promise<void> {
  const crlDays = intFlag("crl-days", a["crl-days"], 1, 3650);
  const port = intFlag("mqtt-port", a["mqtt-port"], 1, 65535);
  const addOp = a["add-operator"];
  const actions = [a.init && !a.panel && !a.client && !a.revoke && !addOp, a.panel, a.client, a.revoke, a.crl, addOp].filter(Boolean).length;
  if (!a.centre) throw new UsageError("--centre DIR is required (see --help)");
  if (a.role !== undefined && addOp === undefined) throw new UsageError("--role goes with --add-operator NAME");
  if (a.reissue && !a.panel) throw new UsageError("--reissue goes with --panel ID --out DIR");
  if (actions === 0 && a.receivers === undefined && crlDays === undefined && port === undefined && a.listen === undefined) throw new CentreError("bad-argument", "nothing to do: --init, --panel, --client, --revoke, --crl or --add-operator");
  if (addOp !== undefined && (a.panel || a.client || a.revoke)) throw new UsageError("--add-operator is its own action: not with --panel, --client or --revoke");
  if (addOp !== undefined && a.role === undefined) throw new UsageError(`--add-operator ${addOp} needs --role ${ROLES.join("|")}`);
  if (addOp !== undefined && !ROLES.includes(a.role as Role)) throw new UsageError(`--role is operator, supervisor or admin, not '${a.role}'`);
  if (addOp !== undefined && !Username.safeParse(addOp).success) throw new CentreError("bad-argument", `--add-operator '${addOp}': a username is 2-32 characters a-z, 0-9, . _ -, starting with a letter`);
  // Asked before anything is written: a missing password leaves no half-made centre behind.
  const secret = addOp !== undefined ? await password() : undefined;
  if (a.store !== undefined && !a.init) throw new UsageError("--store goes with --init; later runs use the store recorded in DIR/store.json");
  const location = a.store === undefined ? undefined : storeLocationFlag(a.store);
  let store: CentreStorePort | undefined;
  try {
    // The store is opened (and migrated) before the directory records it: a wrong URL leaves nothing behind.
    if (location !== undefined) store = await openCentreStore(location);
    if (store && !existsSync(join(resolve(a.centre), "centre.json"))) await refuseAnotherCentresStore(store.registry, location!);
    const centre = openCentre(a, location);
    store ??= await openCentreStore(centre.store);
    const registry = store.registry;
    // The dynsec-admin certificate, issued into the centre directory on first need.
    const admin = a.mosquitto ? (await keptClientCredentials(centre, registry, "operator", ADMIN_CLIENT, centre.dir))! : undefined;
    const live = a.mosquitto && admin ? { url: a.mosquitto, ca: centre.ca.certPem, key: admin.key, cert: admin.cert } : undefined;
    if (a.revoke) {
      const r = await registry.revoke(a.revoke, Date.now());
      if (r.certificates + r.keys === 0) {
        // A second --revoke of a panel (a script run twice) is not an unknown panel: say which it is.
        if (await registry.panel(a.revoke)) throw new CentreError("bad-state", `${a.revoke} is revoked already: none of its certificates or frame keys is still valid`);
        throw new CentreError("unknown-panel", `nothing to revoke for ${a.revoke}`);
      }
      print(`revoked ${a.revoke}: ${r.certificates} certificate(s), ${r.keys} frame key(s)`);
      if (live) {
        const role = (await registry.certificateHolders()).find((h) => h.subject === a.revoke)?.role;
        await cutOffClient(live, a.revoke, role === "panel" || role === undefined ? `panel-${a.revoke}` : role);
        print(`cut off ${a.revoke} on ${a.mosquitto}`);
      }
    } else if (a.panel) {
      if (!a.out) throw new UsageError("--out DIR is required with --panel");
      const category = a.category ?? "SP4";
      if (!isCategoryName(category)) throw new CentreError("bad-category", `unknown category ${category}`);
      await refuseNameInUse(registry, a.panel, "panel");
      const o = { panel: a.panel, outDir: a.out, broker: a.broker!, password: a.password === true, force: a.force === true };
      if (a.reissue && a.category !== undefined) throw new UsageError("--reissue keeps the panel's registered category: no --category");
      const b = a.reissue
        ? await reissuePanelOn(centre, registry, o)
        : await provisionPanelOn(centre, registry, { ...o, category }).catch(async (e: unknown) => {
            // Registered already: say how to give it a new bundle.
            if (e instanceof CentreError && e.code === "already-exists" && (await registry.panel(o.panel))) {
              throw new CentreError("already-exists", `panel ${o.panel} is registered already; --reissue gives it a new bundle (its old certificate and keys revoked)`);
            }
            throw e;
          });
      print(`${a.reissue ? "reissued" : "provisioned"} panel ${b.panel} (kid ${b.kid}, ${b.category}) -> ${join(resolve(a.out), "panel.json")}`);
      if (live && a.reissue) {
        await cutOffClient(live, b.panel, `panel-${b.panel}`); // its old certificate's session ends now
        print(`cut off ${b.panel}'s old session on ${a.mosquitto}`);
      } else if (live) {
        await addPanelLive(live, b.panel);
        print(`added ${b.panel} to ${a.mosquitto}`);
      }
    } else if (a.client) {
      if (a.client !== "receiver" && a.client !== "operator") throw new UsageError("--client is receiver or operator");
      if (!a.name || !a.out) throw new UsageError("--name and --out are required with --client");
      await refuseNameInUse(registry, a.name, a.client);
      const out = resolve(a.out);
      refuseOverwrite(out, [`${a.name}.key.pem`], a.force);
      const kc = await issueCentreClientOn(centre, registry, a.client, a.name);
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, `${a.name}.key.pem`), kc.keyPem, { mode: 0o600 });
      writeFileSync(join(out, `${a.name}.cert.pem`), kc.certPem);
      writeFileSync(join(out, "ca.cert.pem"), centre.ca.certPem);
      print(`issued ${a.client} certificate for ${a.name} -> ${out}`);
    } else if (addOp !== undefined) {
      if (a.init) print(`centre directory ready: ${centre.dir} (store ${redactedLocation(centre.store)})`);
      const op = await addOperator(store, addOp, a.role as Role, secret!);
      print(`added ${op.role} ${op.username}: log in at alarm-centre's --http address (/console/)`);
    } else if (a.init) {
      print(`centre directory ready: ${centre.dir} (store ${redactedLocation(centre.store)})`);
    }
    const receivers = intFlag("receivers", a.receivers, 1, 64) ?? (a.init ? 1 : 0);
    for (let n = 1; n <= receivers; n++) if ((await receiverCredentials(centre, registry, n, true)).issued) print(`issued receiver certificate ${receiverName(n)} -> ${join(centre.dir, "receivers")}`);
    const s = await writeBrokerFiles(centre, registry, { ...(port !== undefined ? { port } : {}), ...(a.listen ? { host: a.listen } : {}), ...(crlDays !== undefined ? { crlDays } : {}) });
    print(`broker files: ${join(centre.dir, "mosquitto.conf")} (port ${s.port}), crl.pem valid ${s.crlDays} day(s)`);
    const w = crlWarning(centre, Date.now(), Math.min(7, s.crlDays / 3));
    if (w) warn(w);
  } finally {
    await store?.close();
  }
}
