/**
 * Mosquitto's acl_file, written from the access rules (acl.ts via acl-grants.ts): `pattern` lines for
 * panels (%u is the username, which the shipped config takes from the certificate CN: the panel id) and a
 * `user` block per centre client. startMosquitto writes it at launch for the clients it is given; the
 * shipped mosquitto/acl (for running Mosquitto by hand) is this output for SHIPPED_CLIENTS:
 *
 *   npx tsx simulator/centre/broker/mosquitto-acl.ts    # rewrites simulator/centre/broker/mosquitto/acl
 *
 * What acl_file cannot say, and the embedded broker enforces: the retain flag per topic, and which
 * readers may use `$share` (Mosquitto checks a shared subscription against its inner filter).
 */
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { TOPIC_ROOT } from "../../../protocol/index.js";
import { SHIPPED_CLIENTS, aclGrants, type AclClients, type TopicGrant } from "./acl-grants.js";

const HEADER = [
  "# Topic ACL for mosquitto.conf, GENERATED from simulator/centre/broker/acl.ts: do not edit by hand,",
  "# run `npx tsx simulator/centre/broker/mosquitto-acl.ts`. The username is the client certificate's CN.",
  "# Mosquitto cannot refuse the retain flag per topic; the embedded aedes broker does.",
];

const topic = (g: TopicGrant) => `${TOPIC_ROOT}/${g.panel === "self" ? "%u" : "+"}/${g.kind}`;

export function mosquittoAcl(clients: AclClients): string {
  const grants = aclGrants(clients);
  const lines = [...HEADER, "", "# Panels: %u is the panel id."];
  for (const g of grants.filter((x) => x.client === undefined)) lines.push(`pattern ${g.access} ${topic(g)}`);
  const names = [...new Set(grants.flatMap((g) => (g.client === undefined ? [] : [g.client])))];
  for (const name of names) {
    const mine = grants.filter((g) => g.client === name);
    lines.push("", `# ${mine[0]!.role}`, `user ${name}`);
    for (const g of mine) lines.push(`topic ${g.access} ${topic(g)}`);
  }
  return lines.join("\n") + "\n";
}

/** The shipped file, next to mosquitto.conf. */
export const SHIPPED_ACL = join(dirname(fileURLToPath(import.meta.url)), "mosquitto", "acl");

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  writeFileSync(SHIPPED_ACL, mosquittoAcl(SHIPPED_CLIENTS));
  console.log(`wrote ${SHIPPED_ACL}`);
}
