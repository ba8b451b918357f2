/**
 * Mosquitto's dynamic-security configuration (the plugin Debian's mosquitto 2.x ships), written from the
 * access rules (acl.ts via acl-grants.ts). Unlike `acl_file`, which grants every SUBSCRIBE and checks read
 * access only at delivery, the plugin refuses a subscription it does not allow (SUBACK reason 0x87, MQTT v5
 * §3.9.3), so a panel cannot join `$share/centre/alarm/v1/+/up` and take half of other panels' frames.
 *
 * Its `%u`/`%c` substitutions did not match with certificate identities on Mosquitto 2.0.11, so every
 * panel gets a literal role (`panel-<id>`) naming its own topics; provisioning adds it. The client whose
 * CN is `ADMIN_CLIENT` may use `$CONTROL/dynamic-security/#` (disableClient when a certificate is revoked).
 */
import { TOPIC_ROOT } from "../../../protocol/index.js";
import { aclGrants, type AclClients, type TopicGrant } from "./acl-grants.js";

/** The certificate CN of the centre's dynamic-security administrator. */
export const ADMIN_CLIENT = "dynsec-admin";
export const CONTROL_TOPIC = "$CONTROL/dynamic-security/v1";

export interface DynsecAcl {
  readonly acltype: "publishClientSend" | "publishClientReceive" | "subscribeLiteral" | "subscribePattern" | "unsubscribeLiteral" | "unsubscribePattern";
  readonly topic: string;
  readonly priority: number;
  readonly allow: boolean;
}
export interface DynsecRole {
  readonly rolename: string;
  readonly acls: DynsecAcl[];
}
export interface DynsecClient {
  readonly username: string;
  readonly roles: { readonly rolename: string }[];
  readonly disabled?: boolean;
}
export interface DynsecConfig {
  readonly defaultACLAccess: Record<"publishClientSend" | "publishClientReceive" | "subscribe" | "unsubscribe", boolean>;
  readonly clients: DynsecClient[];
  readonly groups: never[];
  readonly roles: DynsecRole[];
}

export interface DynsecClients extends AclClients {
  /** Panel ids, each with its own literal role. */
  readonly panels: readonly string[];
  /** Panels whose certificate is revoked: listed, but disabled. */
  readonly disabled?: readonly string[];
}

const allow = (acltype: DynsecAcl["acltype"], topic: string): DynsecAcl => ({ acltype, topic, priority: 0, allow: true });

/** The ACL entries of one grant; `panel` fills in a "self" grant. */
function aclsOf(g: TopicGrant, panel?: string): DynsecAcl[] {
  const topic = `${TOPIC_ROOT}/${g.panel === "self" ? panel! : "+"}/${g.kind}`;
  if (g.access === "write") return [allow("publishClientSend", topic)];
  // The plugin checks a SUBSCRIBE against the filter as sent, `$share/<group>/` included (2.0.11). A
  // "self" read is one literal filter; an "any" read is a pattern (covering `+` and each panel's id), and
  // shared readers also get `$share/+/<filter>` (any group name).
  const sub = g.panel === "self" ? (["subscribeLiteral", "unsubscribeLiteral"] as const) : (["subscribePattern", "unsubscribePattern"] as const);
  const shared = g.shared ? [`$share/+/${topic}`] : [];
  return [
    allow(sub[0], topic),
    ...shared.map((t) => allow("subscribePattern", t)),
    allow("publishClientReceive", topic),
    allow(sub[1], topic),
    ...shared.map((t) => allow("unsubscribePattern", t)),
  ];
}

/** The role a panel gets at provisioning: its own topics, literally. */
export function panelRole(panel: string, clients: AclClients = { receivers: [], operators: [] }): DynsecRole {
  const acls = aclGrants(clients)
    .filter((g) => g.role === "panel")
    .flatMap((g) => aclsOf(g, panel));
  return { rolename: `panel-${panel}`, acls };
}

export function dynsecConfig(c: DynsecClients): DynsecConfig {
  const roles: DynsecRole[] = [];
  const clients: DynsecClient[] = [];
  const disabled = new Set(c.disabled ?? []);
  for (const p of c.panels) {
    roles.push(panelRole(p, c));
    clients.push({ username: p, roles: [{ rolename: `panel-${p}` }], ...(disabled.has(p) ? { disabled: true } : {}) });
  }
  // One role per centre role, from the grants of one stand-in client of each.
  const byRole = aclGrants({ receivers: ["-"], operators: ["-"] });
  for (const role of ["receiver", "operator"] as const) roles.push({ rolename: role, acls: byRole.filter((g) => g.role === role).flatMap((g) => aclsOf(g)) });
  for (const name of c.receivers) clients.push({ username: name, roles: [{ rolename: "receiver" }], ...(disabled.has(name) ? { disabled: true } : {}) });
  for (const name of c.operators) clients.push({ username: name, roles: [{ rolename: "operator" }], ...(disabled.has(name) ? { disabled: true } : {}) });
  roles.push({ rolename: "admin", acls: [allow("publishClientSend", "$CONTROL/dynamic-security/#"), allow("publishClientReceive", "$CONTROL/dynamic-security/#"), allow("subscribePattern", "$CONTROL/dynamic-security/#")] });
  clients.push({ username: ADMIN_CLIENT, roles: [{ rolename: "admin" }] });
  return {
    // Whatever no role grants is refused, subscriptions included.
    defaultACLAccess: { publishClientSend: false, publishClientReceive: false, subscribe: false, unsubscribe: false },
    clients,
    groups: [],
    roles,
  };
}

/** $CONTROL commands (Mosquitto dynamic-security plugin, v1 API). */
export const dynsecCommands = {
  /**
   * disableClient disconnects the client, but with certificate identities Mosquitto skips the password
   * check where "disabled" is enforced, so the client also loses its role: reconnected, it may do nothing.
   */
  cutOff: (username: string, rolename: string) => ({ commands: [{ command: "disableClient", username }, { command: "removeClientRole", username, rolename }] }),
  createRole: (role: DynsecRole) => ({ commands: [{ command: "createRole", rolename: role.rolename }, ...role.acls.map((a) => ({ command: "addRoleACL", rolename: role.rolename, ...a }))] }),
  createClient: (username: string, rolename: string) => ({ commands: [{ command: "createClient", username, roles: [{ rolename }] }] }),
};
