/**
 * Remote support: an operator adds, changes or deletes a user's code on a panel through a signed command;
 * the panel's result closes the task. The code goes from the request straight into the command: the
 * database, the audit, the API's answers and the logs hold only the command id, its type and the user
 * number. A command unanswered at its expiry (the panel refuses it after that) is marked expired.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Timer } from "../../../protocol/clock.js";
import { PanelId, UserCode, UserSpec, type Command, type CommandResult } from "../../../protocol/schema.js";
import type { CommandSender } from "./command-sender.js";
import type { Installations } from "./installations.js";
import { parseInput } from "./parse-input.js";
import { inTx, type ServicesContext } from "./services-context.js";
import { ServicesError, notFound } from "./services-error.js";

const UserNo = z.int().min(1).max(999);
export const RemoteRequest = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("user-add"), panel: PanelId, spec: UserSpec }),
  z.strictObject({ type: z.literal("user-change"), panel: PanelId, user: UserNo, code: UserCode }),
  z.strictObject({ type: z.literal("user-delete"), panel: PanelId, user: UserNo }),
]);
export type RemoteRequest = z.input<typeof RemoteRequest>;

export const RemoteCommand = z.strictObject({
  id: z.string(),
  installationId: z.int(),
  panel: z.string(),
  type: z.enum(["user-add", "user-change", "user-delete"]),
  user: z.int(),
  state: z.enum(["sent", "ok", "failed", "expired"]),
  error: z.string().nullable(),
  requestedBy: z.string(),
  createdAt: z.int(),
  expiresAt: z.int(),
  doneAt: z.int().nullable(),
});
export type RemoteCommand = z.infer<typeof RemoteCommand>;

interface Row {
  id: string;
  installation_id: number;
  panel: string;
  type: RemoteCommand["type"];
  user_no: number;
  state: RemoteCommand["state"];
  error: string | null;
  requested_by: string;
  created_at: number;
  expires_at: number;
  done_at: number | null;
}

export class RemoteSupport {
  private readonly timers = new Map<string, Timer>();

  constructor(
    private readonly ctx: ServicesContext,
    private readonly installations: Installations,
    private readonly sender: CommandSender,
    /** How long the panel may act on a command (default 10 min). */
    private readonly ttlMs = 10 * 60_000,
  ) {}

  async request(actor: string, installationId: number, input: RemoteRequest): Promise<RemoteCommand> {
    const v = parseInput(RemoteRequest, input);
    const inst = this.installations.get(installationId);
    if (!inst.panels.includes(v.panel)) throw new ServicesError("bad-input", `panel ${v.panel} is not on installation ${installationId}`, "panel");
    const now = this.ctx.clock.now();
    const id = randomUUID();
    const exp = now + this.ttlMs;
    const cmd: Command =
      v.type === "user-add" ? { id, exp, type: v.type, spec: v.spec } : v.type === "user-change" ? { id, exp, type: v.type, user: v.user, code: v.code } : { id, exp, type: v.type, user: v.user };
    const user = v.type === "user-add" ? v.spec.user : v.user;
    // Recorded before sending, so the panel's result can never arrive before its row.
    inTx(this.ctx.db, () => {
      this.ctx.db
        .prepare("INSERT INTO svc_remote_commands (id, installation_id, panel, type, user_no, state, requested_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, 'sent', ?, ?, ?)")
        .run(id, installationId, v.panel, v.type, user, actor, now, exp);
      this.ctx.audit.record({ at: now, actor, action: `remote.${v.type}`, entity: "remote-command", entityId: id, after: this.get(id) });
    });
    try {
      await this.sender.send(v.panel, cmd);
    } catch (e) {
      this.finish(id, "failed", `not sent: ${(e as Error).message}`, "centre");
      throw new ServicesError("port-failed", `command not sent: ${(e as Error).message}`);
    }
    this.watch(id, exp);
    return this.get(id);
  }

  /** The panel's result (an uplink `result`), matched by command id and panel. */
  onResult(panel: string, r: CommandResult): RemoteCommand | undefined {
    const row = this.row(r.id);
    if (!row || row.panel !== panel || row.state !== "sent") return undefined;
    return this.finish(r.id, r.ok ? "ok" : "failed", r.ok ? null : (r.error ?? "refused by the panel"), `panel:${panel}`);
  }

  get(id: string): RemoteCommand {
    const r = this.row(id);
    if (!r) throw notFound(`remote command ${id}`);
    return toCommand(r);
  }

  list(installationId: number): RemoteCommand[] {
    return (this.ctx.db.prepare("SELECT * FROM svc_remote_commands WHERE installation_id = ? ORDER BY created_at, id").all(installationId) as Row[]).map(toCommand);
  }

  /** After a restart: expire what is overdue, watch the rest. */
  start(): void {
    for (const r of this.ctx.db.prepare("SELECT id, expires_at FROM svc_remote_commands WHERE state = 'sent'").all() as { id: string; expires_at: number }[]) this.watch(r.id, r.expires_at);
  }

  stop(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }

  private watch(id: string, exp: number): void {
    this.timers.set(
      id,
      this.ctx.clock.schedule(exp - this.ctx.clock.now(), () => {
        this.timers.delete(id);
        if (this.row(id)?.state === "sent") this.finish(id, "expired", "no result from the panel before the command expired", "system");
      }),
    );
  }

  private finish(id: string, state: RemoteCommand["state"], error: string | null, actor: string): RemoteCommand {
    const after = inTx(this.ctx.db, () => {
      const before = this.get(id);
      const now = this.ctx.clock.now();
      this.ctx.db.prepare("UPDATE svc_remote_commands SET state = ?, error = ?, done_at = ? WHERE id = ?").run(state, error, now, id);
      const after = this.get(id);
      this.ctx.audit.record({ at: now, actor, action: `remote.${state}`, entity: "remote-command", entityId: id, before, after });
      return after;
    });
    this.timers.get(id)?.cancel();
    this.timers.delete(id);
    this.ctx.events.emit("command", id);
    return after;
  }

  private row(id: string): Row | undefined {
    return this.ctx.db.prepare("SELECT * FROM svc_remote_commands WHERE id = ?").get(id) as Row | undefined;
  }
}

function toCommand(r: Row): RemoteCommand {
  return {
    id: r.id,
    installationId: r.installation_id,
    panel: r.panel,
    type: r.type,
    user: r.user_no,
    state: r.state,
    error: r.error,
    requestedBy: r.requested_by,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    doneAt: r.done_at,
  };
}
