/**
 * Provisioning command of the centre simulator.
 *
 *   npx tsx simulator/centre/pki/provision.ts --centre DIR --init
 *   npx tsx simulator/centre/pki/provision.ts --centre DIR --panel ID --out DIR [--category SP4] [--broker URL] [--password]
 *   npx tsx simulator/centre/pki/provision.ts --centre DIR --client receiver|operator --name NAME --out DIR
 *   npx tsx simulator/centre/pki/provision.ts --centre DIR --revoke ID
 *
 * The centre directory is created on first use. Revoking a subject revokes every certificate (the broker
 * refuses them at connect) and every frame key (receivers NAK its frames with unknown-key) it holds.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { isCategoryName } from "../../../protocol/supervision.js";
import { CentreStore } from "../store/centre-store.js";
import { CentreError } from "../errors.js";
import { initCentre, issueCentreClient, provisionPanel } from "./provisioning.js";

export function runProvision(argv: readonly string[], print: (s: string) => void = console.log): void {
  const { values: a } = parseArgs({
    args: [...argv],
    options: {
      centre: { type: "string" },
      init: { type: "boolean" },
      panel: { type: "string" },
      out: { type: "string" },
      category: { type: "string", default: "SP4" },
      broker: { type: "string", default: "mqtts://127.0.0.1:8883" },
      password: { type: "boolean" },
      client: { type: "string" },
      name: { type: "string" },
      revoke: { type: "string" },
    },
    strict: true,
  });
  if (!a.centre) throw new CentreError("bad-argument", "--centre DIR is required");
  const centre = initCentre(a.centre);
  const store = CentreStore.open(centre.dbPath);
  try {
    if (a.revoke) {
      const r = store.registry.revoke(a.revoke, Date.now());
      if (r.certificates + r.keys === 0) throw new CentreError("unknown-panel", `nothing to revoke for ${a.revoke}`);
      print(`revoked ${a.revoke}: ${r.certificates} certificate(s), ${r.keys} frame key(s)`);
    } else if (a.panel) {
      if (!a.out) throw new CentreError("bad-argument", "--out DIR is required with --panel");
      if (!isCategoryName(a.category!)) throw new CentreError("bad-category", `unknown category ${a.category}`);
      const b = provisionPanel(centre, store, { panel: a.panel, category: a.category, outDir: a.out, broker: a.broker!, password: a.password === true });
      print(`provisioned panel ${b.panel} (kid ${b.kid}, ${b.category}) -> ${join(a.out, "panel.json")}`);
    } else if (a.client) {
      if (a.client !== "receiver" && a.client !== "operator") throw new CentreError("bad-argument", "--client is receiver or operator");
      if (!a.name || !a.out) throw new CentreError("bad-argument", "--name and --out are required with --client");
      const kc = issueCentreClient(centre, store, a.client, a.name);
      mkdirSync(a.out, { recursive: true });
      writeFileSync(join(a.out, `${a.name}.key.pem`), kc.keyPem, { mode: 0o600 });
      writeFileSync(join(a.out, `${a.name}.cert.pem`), kc.certPem);
      writeFileSync(join(a.out, "ca.cert.pem"), centre.ca.certPem);
      print(`issued ${a.client} certificate for ${a.name} -> ${a.out}`);
    } else if (a.init) {
      print(`centre directory ready: ${centre.dir}`);
    } else throw new CentreError("bad-argument", "nothing to do: --init, --panel, --client or --revoke");
  } finally {
    store.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    runProvision(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exitCode = 2;
  }
}
