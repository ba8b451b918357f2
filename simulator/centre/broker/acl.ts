/**
 * Topic access control of the centre's broker, as a pure function of (identity, action, topic).
 * A panel publishes only to its own up and status topics and subscribes only to its own down topic;
 * receivers read every uplink (plain or through a shared subscription) and status, and write downlinks;
 * operators only watch status. Nothing may publish a retained frame or command (DOMAIN.md: a retained
 * "arm" re-arms a panel on every restart).
 */
import { PanelId, TOPIC_ROOT, parseShared } from "../../../protocol/index.js";
import type { Identity } from "../role.js";

export type AclDecision = { readonly ok: true } | { readonly ok: false; readonly reason: string };

const OK: AclDecision = { ok: true };
const deny = (reason: string): AclDecision => ({ ok: false, reason });

/** `alarm/v1/<panel>/<kind>` with a concrete panel id (no wildcard). */
function concrete(topic: string): { panel: string; kind: string } | undefined {
  const parts = topic.split("/");
  if (parts.length !== 4 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) return undefined;
  if (!PanelId.safeParse(parts[2]).success) return undefined;
  return { panel: parts[2]!, kind: parts[3]! };
}

export function mayPublish(who: Identity, topic: string, retain: boolean): AclDecision {
  const t = concrete(topic);
  if (!t) return deny(`${topic} is not a panel topic`);
  switch (who.role) {
    case "panel":
      if (t.panel !== who.name) return deny(`panel ${who.name} may not publish for panel ${t.panel}`);
      if (t.kind === "up") return retain ? deny("uplink frames must not be retained") : OK;
      if (t.kind === "status") return OK; // retained online/offline (Last Will) by design
      return deny(`panel may not publish to ${t.kind}`);
    case "receiver":
      if (t.kind !== "down") return deny(`receiver may publish only downlinks, not ${t.kind}`);
      return retain ? deny("downlinks must not be retained") : OK;
    case "operator":
      return deny("operators do not publish");
    default: {
      const never: never = who.role;
      return deny(`unknown role ${String(never)}`);
    }
  }
}

/** Filters a receiver may subscribe to; `+` here matches a literal `+` or one concrete panel id. */
const RECEIVER_FILTERS = [`${TOPIC_ROOT}/+/up`, `${TOPIC_ROOT}/+/status`];
const OPERATOR_FILTERS = [`${TOPIC_ROOT}/+/status`];

export function maySubscribe(who: Identity, filter: string): AclDecision {
  switch (who.role) {
    case "panel":
      return filter === `${TOPIC_ROOT}/${who.name}/down` ? OK : deny(`panel ${who.name} may subscribe only to its own downlink, not ${filter}`);
    case "receiver":
      return coveredBy(stripShare(filter), RECEIVER_FILTERS) ? OK : deny(`receiver may not subscribe to ${filter}`);
    case "operator":
      return coveredBy(filter, OPERATOR_FILTERS) ? OK : deny(`operator may not subscribe to ${filter}`);
    default: {
      const never: never = who.role;
      return deny(`unknown role ${String(never)}`);
    }
  }
}

/** `$share/<group>/<filter>` -> `<filter>` (MQTT v5 §4.8.2); other filters unchanged. */
export function stripShare(filter: string): string {
  return parseShared(filter)?.filter ?? filter;
}

function coveredBy(filter: string, allowed: readonly string[]): boolean {
  const f = filter.split("/");
  return allowed.some((a) => {
    const p = a.split("/");
    return p.length === f.length && p.every((seg, i) => (seg === "+" ? f[i] === "+" || PanelId.safeParse(f[i]).success : seg === f[i]));
  });
}

/**
 * Client ids are part of the access rules: MQTT lets a new connection with the same id take over a
 * session, so a panel's ids are `<panel>` or `<panel>:<suffix>` and centre clients' are `<role>@<name>`
 * ('@' and ':' never occur in panel ids, so no two identities can claim one id).
 */
export function mayUseClientId(who: Identity, clientId: string): AclDecision {
  if (who.role === "panel") return clientId === who.name || clientId.startsWith(`${who.name}:`) ? OK : deny(`panel ${who.name} must use client id ${who.name}[:suffix], not ${clientId}`);
  return clientId.startsWith(`${who.role}@`) ? OK : deny(`${who.role} client ids start with ${who.role}@, not ${clientId}`);
}
