/**
 * Remote support: an operator adds, changes or deletes a user's code on a panel through a signed command;
 * the panel's result closes the task. The code goes from the request straight into the command: the
 * database, the audit, the API's answers and the logs hold only the command id, its type and the user
 * number. A command unanswered at its expiry (the panel refuses it after that) is marked expired.
 */
import { randomUUID } from "node:crypto";
import type { Timer } from "../../../protocol/clock.js";
import type { Command, CommandResult } from "../../../protocol/schema.js";
import type { CommandSender } from "./command-sender.js";
import type { Installations } from "./installations.js";
import { parseInput } from "./parse-input.js";
import { InFlight } from "../receiver/in-flight.js";
import { RemoteCommandRepo } from "./remote-command-repo.js";
import { RemoteRequest, type RemoteCommand } from "./remote-command-schema.js";
import type { ServicesContext } from "./services-context.js";
import { ServicesError, notFound } from "./services-error.js";

export class RemoteSupport {
  private readonly timers = new Map<string, Timer>();
  private readonly expiring = new InFlight();
  private readonly repo: RemoteCommandRepo;

  constructor(
    private readonly ctx: ServicesContext,
    private readonly installations: Installations,
    private readonly sender: CommandSender,
    /** How long the panel may act on a command (default 10 min). */
    private readonly ttlMs = 10 * 60_000,
  ) {
    this.repo = new RemoteCommandRepo(ctx.db);
  }

  async request(actor: string, installationId: number, input: RemoteRequest): Promise<RemoteCommand> {
    const v = parseInput(RemoteRequest, input);
    const inst = await this.installations.get(installationId);
    if (!inst.panels.includes(v.panel)) throw new ServicesError("bad-input", `panel ${v.panel} is not on installation ${installationId}`, "panel");
    const now = this.ctx.clock.now();
    const id = randomUUID();
    const exp = now + this.ttlMs;
    const cmd: Command =
      v.type === "user-add" ? { id, exp, type: v.type, spec: v.spec } : v.type === "user-change" ? { id, exp, type: v.type, user: v.user, code: v.code } : { id, exp, type: v.type, user: v.user };
    const user = v.type === "user-add" ? v.spec.user : v.user;
    // Recorded before sending, so the panel's result can never arrive before its row.
    await this.ctx.db.tx(async () => {
      await this.repo.insert({ id, installationId, panel: v.panel, type: v.type, user, requestedBy: actor, createdAt: now, expiresAt: exp });
      await this.ctx.audit.record({ at: now, actor, action: `remote.${v.type}`, entity: "remote-command", entityId: id, after: await this.get(id) });
    });
    try {
      await this.sender.send(v.panel, cmd);
    } catch (e) {
      await this.finish(id, "failed", `not sent: ${(e as Error).message}`, "centre");
      throw new ServicesError("port-failed", `command not sent: ${(e as Error).message}`);
    }
    this.watch(id, exp);
    return this.get(id);
  }

  /** The panel's result (an uplink `result`), matched by command id and panel. */
  async onResult(panel: string, r: CommandResult): Promise<RemoteCommand | undefined> {
    const row = await this.repo.get(r.id);
    if (!row || row.panel !== panel || row.state !== "sent") return undefined;
    return this.finish(r.id, r.ok ? "ok" : "failed", r.ok ? null : (r.error ?? "refused by the panel"), `panel:${panel}`);
  }

  async get(id: string): Promise<RemoteCommand> {
    const c = await this.repo.get(id);
    if (!c) throw notFound(`remote command ${id}`);
    return c;
  }

  async list(installationId: number): Promise<RemoteCommand[]> {
    return this.repo.list(installationId);
  }

  /** After a restart: expire what is overdue, watch the rest. */
  async start(): Promise<void> {
    for (const c of await this.repo.waiting()) this.watch(c.id, c.expiresAt);
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
        this.expiring.track(this.expire(id).catch((e: unknown) => void this.ctx.events.emit("failed", "remote-command-expiry", e)));
      }),
    );
  }

  private async expire(id: string): Promise<void> {
    if ((await this.repo.get(id))?.state === "sent") await this.finish(id, "expired", "no result from the panel before the command expired", "system");
  }

  /** Resolves once no expiry is being written (tests: after advancing the clock). */
  idle(): Promise<void> {
    return this.expiring.settled();
  }

  private async finish(id: string, state: RemoteCommand["state"], error: string | null, actor: string): Promise<RemoteCommand> {
    let changed = true;
    const after = await this.ctx.db.tx(async () => {
      const before = await this.get(id);
      // Another alarm-centre on the same database may have ended it since it was read (a result, an expiry).
      if (before.state !== "sent") {
        changed = false;
        return before;
      }
      const now = this.ctx.clock.now();
      await this.repo.finish(id, state, error, now);
      const after = await this.get(id);
      await this.ctx.audit.record({ at: now, actor, action: `remote.${state}`, entity: "remote-command", entityId: id, before, after });
      return after;
    });
    this.timers.get(id)?.cancel();
    this.timers.delete(id);
    if (changed) this.ctx.events.emit("command", id);
    return after;
  }

}
