/**
 * A panel as the console shows it: its link (the MQTT status the panel's will or connect publishes, and
 * whether it was heard within its EN 50136-1 reporting time), its last heartbeat (areas and their arming
 * mode, troubles present) and its supervision category. Read from the centre's store, never written.
 */
import { Heartbeat, eventDef } from "../../protocol/index.js";
import { category, isCategoryName } from "../../protocol/supervision.js";
import type { CentreStorePort } from "../centre/store-pg/port.js";

export type LinkState = "up" | "down" | "late" | "unknown";

export interface PanelState {
  readonly panel: string;
  readonly registered: boolean;
  readonly category: string | null;
  /** EN 50136-1 maximum reporting time of the category, ms. */
  readonly reportingMs: number | null;
  readonly link: LinkState;
  readonly lastSeen: number | null;
  readonly heartbeat: { readonly at: number; readonly areas: readonly { area: number; mode: string }[]; readonly troubles: readonly { code: number; name: string }[]; readonly outbox: number } | null;
}

export async function panelState(centre: CentreStorePort, panel: string, now: number): Promise<PanelState> {
  const p = await centre.registry.panel(panel);
  if (!p) return { panel, registered: false, category: null, reportingMs: null, link: "unknown", lastSeen: null, heartbeat: null };
  const reportingMs = isCategoryName(p.category) ? category(p.category).primaryMs : null;
  // Late only past the category's reporting time (EN 50136-1): at exactly that age it is still in time.
  const link: LinkState = p.status === "offline" ? "down" : p.lastSeen === null ? "unknown" : reportingMs !== null && now - p.lastSeen > reportingMs ? "late" : "up";
  return { panel, registered: true, category: p.category, reportingMs, link, lastSeen: p.lastSeen, heartbeat: await lastHeartbeat(centre, panel) };
}

/** The newest stored heartbeat of a panel, checked by the wire schema that carried it. */
async function lastHeartbeat(centre: CentreStorePort, panel: string): Promise<PanelState["heartbeat"]> {
  const row = await centre.frames.latestWith(panel, "heartbeat");
  if (!row) return null;
  const hb = Heartbeat.safeParse((row.payload as { heartbeat?: unknown }).heartbeat);
  if (!hb.success) return null;
  return {
    at: row.at,
    areas: hb.data.areas.map((a) => ({ area: a.area, mode: String(a.mode) })),
    troubles: hb.data.troubles.map((code) => ({ code, name: eventDef(code)?.name ?? `code ${code}` })),
    outbox: hb.data.outbox,
  };
}
