/**
 * Who took which alarm, and when: an operator "takes" an incident from the live queue before working it.
 * The take is an audit row (action `incident.take`), so it needs no table of its own and commits with its
 * audit. From the takes comes the alarm-handling figure of EN 50518 (monitoring and alarm receiving centre,
 * alarm-handling times): the share of alarms taken by an operator within 30 s and within 60 s of reaching
 * the centre, and the alarms that missed it. An alarm still waiting inside a limit is not yet judged for
 * it. Targets are configuration (commonly 80 % / 98.5 %), shown beside the live figure.
 */
import type { Incident } from "./incident-schema.js";
import type { IncidentDesk } from "./incident-desk.js";
import type { ServicesContext } from "./services-context.js";
import { ServicesError } from "./services-error.js";

export interface Take {
  readonly incidentId: number;
  readonly by: string;
  readonly at: number;
}

export interface HandlingFigure {
  readonly from: number;
  readonly to: number;
  /** Alarms (not tests) that reached the centre in [from, to). */
  readonly alarms: number;
  readonly within30s: number;
  readonly within60s: number;
  /** Shares 0..1 of the alarms judged for each limit (taken, or waiting past it); 1 when none is. */
  readonly share30s: number;
  readonly share60s: number;
  readonly targets: { readonly share30s: number; readonly share60s: number };
  /** Alarms not taken within 60 s (or not taken at all, once 60 s have passed). */
  readonly missed: readonly { readonly incidentId: number; readonly title: string; readonly openedAt: number; readonly takenAt: number | null; readonly takenBy: string | null }[];
}

export const TAKE_ACTION = "incident.take";
/** Incident ids per query of takes (SQLite allows 32,766 bound parameters, PostgreSQL 65,535). */
const TAKES_PER_QUERY = 500;

export class AlarmHandling {
  constructor(
    private readonly ctx: ServicesContext,
    private readonly desk: IncidentDesk,
    readonly targets = { share30s: 0.8, share60s: 0.985 },
  ) {}

  /** The first take wins; taking again one's own is a no-op, another's is a conflict. */
  async take(actor: string, incidentId: number): Promise<Take> {
    const t = await this.ctx.db.tx(async () => {
      const inc = await this.desk.get(incidentId);
      if (inc.state !== "open") throw new ServicesError("conflict", `incident ${incidentId} is closed`);
      const held = await this.takeOf(incidentId);
      if (held) {
        if (held.by !== actor) throw new ServicesError("conflict", `incident ${incidentId} is taken by ${held.by}`);
        return held;
      }
      const at = this.ctx.clock.now();
      await this.ctx.audit.record({ at, actor, action: TAKE_ACTION, entity: "incident", entityId: incidentId, after: { takenBy: actor } });
      return { incidentId, by: actor, at };
    });
    await this.desk.announce(incidentId);
    return t;
  }

  /** The takes of many incidents in one query (the queue's page), by incident id. */
  async takesOf(incidentIds: readonly number[]): Promise<Map<number, Take>> {
    const out = new Map<number, Take>();
    // In slices, so a long period's figure stays under the databases' limit on bound parameters.
    for (let k = 0; k < incidentIds.length; k += TAKES_PER_QUERY) {
      const ids = incidentIds.slice(k, k + TAKES_PER_QUERY);
      const rows = await this.ctx.db.all<{ entity_id: string; actor: string; at: number }>(
        `SELECT entity_id, actor, at FROM svc_audit WHERE action = ? AND entity = 'incident' AND entity_id IN (${ids.map(() => "?").join(", ")}) ORDER BY id`,
        TAKE_ACTION,
        ...ids.map(String),
      );
      for (const r of rows) {
        const id = Number(r.entity_id);
        if (!out.has(id)) out.set(id, { incidentId: id, by: r.actor, at: r.at });
      }
    }
    return out;
  }

  async takeOf(incidentId: number): Promise<Take | undefined> {
    const r = await this.ctx.db.get<{ actor: string; at: number }>("SELECT actor, at FROM svc_audit WHERE action = ? AND entity = 'incident' AND entity_id = ? ORDER BY id LIMIT 1", TAKE_ACTION, String(incidentId));
    return r && { incidentId, by: r.actor, at: r.at };
  }

  /** EN 50518 alarm-handling figure over the alarms opened in [from, to), judged at `now`. */
  async figure(from: number, to: number, now = this.ctx.clock.now()): Promise<HandlingFigure> {
    const alarms = (await this.desk.book.list({ from, to })).filter((i: Incident) => i.outcome !== "test");
    let within30s = 0;
    let within60s = 0;
    let judged30s = 0;
    let judged60s = 0;
    const missed: HandlingFigure["missed"][number][] = [];
    const takes = await this.takesOf(alarms.map((i) => i.id));
    for (const i of alarms) {
      const t = takes.get(i.id);
      const wait = t ? t.at - i.openedAt : now - i.openedAt;
      if (t || wait > 30_000) judged30s++;
      if (t || wait > 60_000) judged60s++;
      if (t && wait <= 30_000) within30s++;
      if (t && wait <= 60_000) within60s++;
      else if (wait > 60_000) missed.push({ incidentId: i.id, title: i.title, openedAt: i.openedAt, takenAt: t?.at ?? null, takenBy: t?.by ?? null });
    }
    const share = (n: number, of: number) => (of === 0 ? 1 : n / of);
    return { from, to, alarms: alarms.length, within30s, within60s, share30s: share(within30s, judged30s), share60s: share(within60s, judged60s), targets: this.targets, missed };
  }
}
