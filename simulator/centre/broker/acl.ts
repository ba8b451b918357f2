/**
 * Topic access control of the centre's broker: one table of rules (`TOPIC_RULES`), read two ways. The
 * embedded aedes broker asks the pure functions below per (identity, action, topic); Mosquitto gets a
 * file written from the same table (mosquitto-acl.ts). A panel publishes only to its own up and status
 * topics and subscribes only to its own down topic; receivers read every uplink (plain or through a
 * shared subscription) and status, and write downlinks; operators only watch status. Nothing may publish
 * a retained frame or command: a retained message is sent to every new subscriber (MQTT 3.1.1 §3.3.1.3),
 * so a retained "arm" would re-arm a panel at every reconnect.
 */
import { PanelId, TOPIC_ROOT, parseShared, type TopicKind } from "../../../protocol/index.js";
import type { Identity, Role } from "../role.js";

export interface TopicRule {
  readonly role: Role;
  readonly access: "read" | "write";
  readonly kind: TopicKind;
  /** "own": only the panel's own topics (the identity's name is the panel id); "any": every panel's. */
  readonly scope: "own" | "any";
  /** Writes: whether the retain flag is allowed. */
  readonly retain?: boolean;
  /** Reads: whether `$share/<group>/...` (MQTT v5 §4.8.2) may be used. */
  readonly shared?: boolean;
}

/** Everything any identity may do; whatever is not here is denied. */
export const TOPIC_RULES: readonly TopicRule[] = [
  { role: "panel", access: "write", kind: "up", scope: "own", retain: false },
  // Retained online/offline (the offline one as Last Will) by design.
  { role: "panel", access: "write", kind: "status", scope: "own", retain: true },
  { role: "panel", access: "read", kind: "down", scope: "own" },
  { role: "receiver", access: "read", kind: "up", scope: "any", shared: true },
  { role: "receiver", access: "read", kind: "status", scope: "any", shared: true },
  { role: "receiver", access: "write", kind: "down", scope: "any", retain: false },
  { role: "operator", access: "read", kind: "status", scope: "any" },
];

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
  const rule = TOPIC_RULES.find((r) => r.role === who.role && r.access === "write" && r.kind === t.kind);
  if (!rule) return deny(`${who.role} may not publish to ${t.kind}`);
  if (rule.scope === "own" && t.panel !== who.name) return deny(`panel ${who.name} may not publish for panel ${t.panel}`);
  if (retain && !rule.retain) return deny(`${t.kind} messages must not be retained`);
  return OK;
}

/**
 * A filter is allowed if one read rule covers it: "own" rules only the panel's own concrete topic, "any"
 * rules `alarm/v1/+/<kind>` or one concrete panel's topic (`+` here matches a literal `+` or a panel id).
 */
export function maySubscribe(who: Identity, filter: string): AclDecision {
  const share = parseShared(filter);
  const inner = share ? share.filter : filter;
  const parts = inner.split("/");
  const allowed =
    parts.length === 4 &&
    `${parts[0]}/${parts[1]}` === TOPIC_ROOT &&
    TOPIC_RULES.some(
      (r) =>
        r.role === who.role &&
        r.access === "read" &&
        r.kind === parts[3] &&
        (!share || r.shared === true) &&
        (r.scope === "own" ? parts[2] === who.name : parts[2] === "+" || PanelId.safeParse(parts[2]).success),
    );
  return allowed ? OK : deny(`${who.role} ${who.name} may not subscribe to ${filter}`);
}

/** `$share/<group>/<filter>` -> `<filter>` (MQTT v5 §4.8.2); other filters unchanged. */
export function stripShare(filter: string): string {
  return parseShared(filter)?.filter ?? filter;
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
