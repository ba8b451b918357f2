/**
 * What the operators' console needs beyond the other routes: taking an alarm, the live queue in the
 * order operators work it (priority, then age) with its installation and who took it, an installation's
 * alarm history with the takes, and the supervisor's overview (operators on duty, open tasks by age,
 * late-to-arm/disarm tasks, the EN 50518 alarm-handling figure).
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { Priority, eventDef } from "../../../protocol/events.js";
import { AlarmHandling, type Take } from "./alarm-handling.js";
import { typed, who } from "./api-plumbing.js";
import { Incident, Task } from "./incident-schema.js";
import type { Installation } from "./installation-schema.js";
import { Role } from "./operators.js";
import type { Services } from "./services.js";

const Id = z.strictObject({ id: z.coerce.number().int().positive() });
const TakeBody = z.strictObject({ incidentId: z.int(), by: z.string(), at: z.int() });

export const QueueItem = z.strictObject({
  incident: Incident,
  /** protocol Priority of the event (lower is more urgent). */
  priority: z.int(),
  /** Contact ID code and zone/user read from the incident key, with the catalogue's event text. */
  code: z.int().nullable(),
  eventName: z.string().nullable(),
  zone: z.int().nullable(),
  user: z.int().nullable(),
  installation: z.strictObject({ id: z.int(), name: z.string(), address: z.string(), timeZone: z.string() }),
  take: TakeBody.nullable(),
});
export type QueueItem = z.infer<typeof QueueItem>;

const Overview = z.strictObject({
  onDuty: z.array(z.strictObject({ username: z.string(), role: Role, since: z.int(), until: z.int() })),
  openTasks: z.array(z.strictObject({ task: Task, incidentTitle: z.string(), installation: z.string(), waitingMs: z.int() })),
  lateArm: z.array(Incident),
  handling: z.strictObject({
    from: z.int(),
    to: z.int(),
    alarms: z.int(),
    within30s: z.int(),
    within60s: z.int(),
    share30s: z.number(),
    share60s: z.number(),
    targets: z.strictObject({ share30s: z.number(), share60s: z.number() }),
    missed: z.array(z.strictObject({ incidentId: z.int(), title: z.string(), openedAt: z.int(), takenAt: z.int().nullable(), takenBy: z.string().nullable() })),
  }),
});

/** Incident key `130:z1` / `1121:u3` / `transmission-fault`: the event behind it, as far as it says. */
export function keyEvent(key: string): { code: number | null; zone: number | null; user: number | null } {
  const m = /^(\d+)(?::([zu])(\d+))?$/.exec(key);
  if (!m) return { code: null, zone: null, user: null };
  return { code: Number(m[1]), zone: m[2] === "z" ? Number(m[3]) : null, user: m[2] === "u" ? Number(m[3]) : null };
}

export function consoleRoutes(fastify: FastifyInstance, s: Services): void {
  const app = typed(fastify);
  const handling = new AlarmHandling(s.ctx, s.desk);
  const op = { role: "operator" as const };

  /** Queue items for a page of incidents: their installations (all, unless given) and takes read once for the page. */
  const items = async (incidents: readonly Incident[], of?: readonly Installation[]): Promise<QueueItem[]> => {
    const [installations, takes] = await Promise.all([of ?? s.installations.list(), handling.takesOf(incidents.map((i) => i.id))]);
    const byId = new Map(installations.map((i) => [i.id, i]));
    return incidents.map((incident) => item(incident, byId.get(incident.installationId)!, takes.get(incident.id)));
  };

  const item = (incident: Incident, inst: Installation, t: Take | undefined): QueueItem => {
    const ev = keyEvent(incident.key);
    const def = ev.code === null ? undefined : eventDef(ev.code);
    const priority = def?.priority ?? (incident.cls === "arm-schedule" ? Priority.OpenClose : Priority.Urgent);
    return {
      incident,
      priority,
      code: ev.code,
      eventName: def?.name ?? null,
      zone: ev.zone,
      user: ev.user,
      installation: { id: inst.id, name: inst.name, address: inst.address, timeZone: inst.timeZone },
      take: t ?? null,
    };
  };

  app.post("/api/incidents/:id/take", { config: op, schema: { params: Id, response: { 200: TakeBody } } }, async (req) => handling.take(who(req).username, req.params.id));

  app.get("/api/queue", { config: op, schema: { response: { 200: z.array(QueueItem) } } }, async () =>
    (await items(await s.desk.queue())).sort((a, b) => a.priority - b.priority || a.incident.openedAt - b.incident.openedAt || a.incident.id - b.incident.id),
  );

  app.get("/api/installations/:id/history", { config: op, schema: { params: Id, response: { 200: z.array(QueueItem) } } }, async (req) => {
    const inst = await s.installations.get(req.params.id);
    return items((await s.desk.book.list({ installationId: req.params.id })).reverse().slice(0, 200), [inst]);
  });

  app.get(
    "/api/supervisor/overview",
    { config: { role: "supervisor" }, schema: { querystring: z.strictObject({ windowMs: z.coerce.number().int().min(60_000).max(31 * 86_400_000).default(86_400_000) }), response: { 200: Overview } } },
    async (req) => {
      const now = s.ctx.clock.now();
      const onDuty = (
        (await s.ctx.db.all<{ username: string; role: Role; since: number; until: number }>("SELECT s.username, o.role, MIN(s.created_at) AS since, MAX(s.expires_at) AS until FROM svc_sessions s JOIN svc_operators o ON o.username = s.username WHERE s.expires_at > ? AND o.disabled = 0 GROUP BY s.username, o.role ORDER BY s.username", now))
      ).map((r) => ({ ...r }));
      const open = await s.desk.queue();
      const names = new Map((await s.installations.list()).map((i) => [i.id, i.name]));
      const openTasks = open
        .flatMap((i) => i.tasks.filter((t) => t.state === "open" || t.state === "in-progress").map((task) => ({ task, incidentTitle: i.title, installation: names.get(i.installationId) ?? "", waitingMs: Math.max(0, now - i.openedAt) })))
        .sort((a, b) => b.waitingMs - a.waitingMs);
      const lateArm = open.filter((i) => i.cls === "arm-schedule");
      const f = await handling.figure(now - req.query.windowMs, now + 1, now);
      return { onDuty, openTasks, lateArm, handling: { ...f, missed: [...f.missed] } };
    },
  );
}
