/**
 * MQTT topics of protocol v1. The panel publishes frames to `up` and its retained
 * online/offline state to `status` (the offline one as its Last Will); the centre publishes to `down`.
 * Receivers share the uplink load with an MQTT v5 shared subscription.
 */
import { ProtocolError } from "./errors.js";
import { PANEL_ID_PATTERN, PanelId } from "./schema.js";

export const TOPIC_ROOT = "alarm/v1";

export const topics = {
  up: (panel: string) => `${TOPIC_ROOT}/${checkPanel(panel)}/up`,
  down: (panel: string) => `${TOPIC_ROOT}/${checkPanel(panel)}/down`,
  status: (panel: string) => `${TOPIC_ROOT}/${checkPanel(panel)}/status`,
  /** All panels' uplinks, for a receiver. */
  allUp: `${TOPIC_ROOT}/+/up`,
  allStatus: `${TOPIC_ROOT}/+/status`,
  /** Shared subscription (MQTT v5 §4.8.2) so several receivers split the uplink load. */
  sharedUp: (group = "centre") => `$share/${group}/${TOPIC_ROOT}/+/up`,
} as const;

export type TopicKind = "up" | "down" | "status";

/** Split `alarm/v1/<panel>/<kind>`; undefined for anything else. */
export function parseTopic(topic: string): { panel: string; kind: TopicKind } | undefined {
  // Read by offsets, not split: this runs twice per frame the receiver takes.
  if (!topic.startsWith(ROOT_LEVELS)) return undefined;
  const slash = topic.indexOf("/", ROOT_LEVELS.length);
  if (slash < 0) return undefined;
  const kind = topic.slice(slash + 1);
  if (kind !== "up" && kind !== "down" && kind !== "status") return undefined;
  const panel = topic.slice(ROOT_LEVELS.length, slash);
  // The schema's own pattern (PanelId), tested directly.
  if (!PANEL_ID_PATTERN.test(panel)) return undefined;
  return { panel, kind };
}

/** The two root levels and the separator after them: `alarm/v1/`. */
const ROOT_LEVELS = `${TOPIC_ROOT}/`;

/** Payloads of the retained status topic. */
export const STATUS_ONLINE = "online";
export const STATUS_OFFLINE = "offline";

function checkPanel(panel: string): string {
  if (!PanelId.safeParse(panel).success) throw new ProtocolError("malformed", `bad panel id ${JSON.stringify(panel)}`);
  return panel;
}
