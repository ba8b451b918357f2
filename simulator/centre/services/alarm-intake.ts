/**
 * Where a panel's events enter the services, as plain inputs (no MQTT): each event is routed by its
 * Contact ID class. Alarms open or join an incident (recorded as a test inside an announced test window,
 * or when the panel itself reports a walk test); openings and closings go to arm/disarm supervision;
 * faults and their restores go to service tickets.
 */
import { Qualifier, eventDef } from "../../../protocol/events.js";
import type { Incident } from "./incident-schema.js";
import type { IncidentDesk } from "./incident-desk.js";
import type { Installations } from "./installations.js";
import { eventRole } from "./service-class.js";
import type { TestNotices } from "./test-notices.js";

export interface PanelEvent {
  readonly panel: string;
  readonly code: number;
  /** Contact ID qualifier: 1 new / opening, 3 restore / closing, 6 still present. */
  readonly qualifier: number;
  readonly area: number;
  readonly zone?: number | undefined;
  readonly user?: number | undefined;
  /** Time of occurrence at the panel, UTC ms. */
  readonly at: number;
}

/** Other services that want a share of the events (arm/disarm supervision, service tickets). */
export interface EventListener {
  onEvent(installationId: number, e: PanelEvent): Promise<void>;
}

export type IntakeResult =
  | { readonly kind: "unregistered" }
  | { readonly kind: "incident"; readonly incident: Incident; readonly created: boolean }
  | { readonly kind: "test"; readonly incident: Incident }
  | { readonly kind: "passed-on" };

export function eventKey(e: { code: number; zone?: number | undefined; user?: number | undefined }): string {
  return e.zone !== undefined ? `${e.code}:z${e.zone}` : e.user !== undefined ? `${e.code}:u${e.user}` : `${e.code}`;
}

export function describe(e: PanelEvent): string {
  const name = eventDef(e.code)?.name ?? `code ${e.code}`;
  return `${name}${e.zone !== undefined ? ` zone ${e.zone}` : e.user !== undefined ? ` user ${e.user}` : ""} area ${e.area}`;
}

export class AlarmIntake {
  private readonly listeners: EventListener[] = [];

  constructor(
    private readonly installations: Installations,
    private readonly desk: IncidentDesk,
    private readonly notices: TestNotices,
  ) {}

  listen(l: EventListener): void {
    this.listeners.push(l);
  }

  async event(e: PanelEvent, centreAlarmId?: number): Promise<IntakeResult> {
    const installationId = await this.installations.byPanel(e.panel);
    if (installationId === undefined) return { kind: "unregistered" };
    for (const l of this.listeners) await l.onEvent(installationId, e);
    const role = eventRole(e.code);
    const base = { installationId, panel: e.panel, centreAlarmId: centreAlarmId ?? null, key: eventKey(e), title: describe(e), at: e.at };
    switch (role.kind) {
      case "test": {
        // A walk test (607) and a manual test report (601) are tests by the panel's own word. Periodic
        // test reports (602, 608) are the receiver's supervision traffic, not incidents.
        if (e.code !== 607 && e.code !== 601) return { kind: "passed-on" };
        return { kind: "test", incident: (await this.desk.open({ ...base, cls: "technical", test: true })).incident };
      }
      case "alarm": {
        if (e.qualifier === Qualifier.Restore) return { kind: "passed-on" };
        const notice = await this.notices.covering(installationId, { cls: role.cls, zone: e.zone }, e.at);
        if (notice) return { kind: "test", incident: (await this.desk.open({ ...base, cls: role.cls, title: `${base.title} (test notice ${notice.id})`, test: true })).incident };
        const r = await this.desk.open({ ...base, cls: role.cls });
        return { kind: "incident", incident: r.incident, created: r.created };
      }
      case "open-close":
      case "log":
        return { kind: "passed-on" };
      default: {
        const never: never = role;
        return never;
      }
    }
  }
}
