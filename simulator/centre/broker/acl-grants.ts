/**
 * The access rules (acl.ts) expanded into grants for a broker that reads a static configuration instead
 * of asking per message: one grant per rule and client, in a neutral form that each output format
 * renders (mosquitto-acl.ts writes Mosquitto's acl_file; a dynamic-security config would read the same).
 */
import { TOPIC_RULES, type TopicRule } from "./acl.js";
import type { Role } from "../role.js";

/** The centre clients that get their own grants; every panel is covered by one pattern per rule. */
export interface AclClients {
  readonly receivers: readonly string[];
  readonly operators: readonly string[];
}

export interface TopicGrant {
  /** Absent for panels: the grant applies to every panel, on its own topics. */
  readonly client?: string;
  readonly role: Role;
  readonly access: TopicRule["access"];
  readonly kind: TopicRule["kind"];
  /** "self": the connecting panel's own id (the broker substitutes it); "any": every panel id. */
  readonly panel: "self" | "any";
  /** Reads: `$share/<group>/...` allowed too. */
  readonly shared?: boolean;
}

/** The receiver-1, receiver-2 and operator-1 that the shipped Mosquitto files name. */
export const SHIPPED_CLIENTS: AclClients = { receivers: ["receiver-1", "receiver-2"], operators: ["operator-1"] };

export function aclGrants(clients: AclClients): TopicGrant[] {
  const named: Record<Exclude<Role, "panel">, readonly string[]> = { receiver: clients.receivers, operator: clients.operators };
  const grants: TopicGrant[] = [];
  for (const r of TOPIC_RULES) {
    const base = { role: r.role, access: r.access, kind: r.kind, panel: r.scope === "own" ? ("self" as const) : ("any" as const), ...(r.shared ? { shared: true } : {}) };
    if (r.role === "panel") grants.push(base);
    else for (const client of named[r.role]) grants.push({ client, ...base });
  }
  return grants;
}
