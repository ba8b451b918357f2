/**
 * Service tickets: a fault (tamper, battery, AC loss, communication, transmission supervision) still
 * present after its persistence time opens a ticket for remote support or a technician visit; its restore
 * closes it, or an operator does by hand. Persistence deadlines are clock timers (both sides tested).
 */
import { Qualifier } from "../../../protocol/events.js";
import type { Clock } from "../../../protocol/clock.js";
import { CheckLoop } from "./check-loop.js";
import { describe, eventKey, type EventListener, type PanelEvent } from "./alarm-intake.js";
import { DEFAULT_PERSIST_MS, DEFAULT_ROUTE, faultKind, type FaultKind } from "./fault-kind.js";
import type { ServicesContext } from "./services-context.js";
import { TicketRepo } from "./ticket-repo.js";
import type { Ticket } from "./ticket-schema.js";
import { ServicesError, notFound } from "./services-error.js";

export const TRANSMISSION_KEY = "transmission";

export class ServiceTickets implements EventListener {
  private readonly loop: CheckLoop;
  private readonly persist: Record<FaultKind, number>;
  private readonly repo: TicketRepo;

  constructor(
    private readonly ctx: ServicesContext,
    persistMs: Partial<Record<FaultKind, number>> = {},
    private readonly clock: Clock = ctx.clock,
  ) {
    this.persist = { ...DEFAULT_PERSIST_MS, ...persistMs };
    this.repo = new TicketRepo(ctx.db);
    this.loop = new CheckLoop(
      clock,
      () => this.check(),
      async (now) => {
        const waiting = await this.repo.faultsWithoutTicket();
        return waiting.length === 0 ? undefined : Math.min(...waiting.map((f) => f.since + this.persist[f.fault])) - now;
      },
      (e) => this.ctx.events.emit("failed", "ticket-timer", e),
    );
  }

  /** Resolves once no check is under way (tests: after advancing the clock). */
  idle(): Promise<void> {
    return this.loop.idle();
  }

  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
  }

  async onEvent(installationId: number, e: PanelEvent): Promise<void> {
    const kind = faultKind(e.code);
    if (!kind) return;
    if (e.qualifier === Qualifier.Restore) await this.restored(e.panel, eventKey(e), e.at);
    else await this.present(installationId, e.panel, kind, eventKey(e), describe(e), e.at);
  }

  /** The receiver's transmission supervision found the panel silent past its reporting time. */
  async transmissionFault(installationId: number, panel: string, at: number): Promise<void> {
    await this.present(installationId, panel, "supervision", TRANSMISSION_KEY, "transmission fault: panel not heard within its reporting time", at);
  }

  /** Any traffic from the panel restores a transmission fault. */
  async heard(panel: string, at: number): Promise<void> {
    await this.restored(panel, TRANSMISSION_KEY, at);
  }

  async list(state?: "open" | "closed"): Promise<Ticket[]> {
    return this.repo.list(state);
  }

  async get(id: number): Promise<Ticket> {
    const t = await this.repo.get(id);
    if (!t) throw notFound(`ticket ${id}`);
    return t;
  }

  async close(actor: string, id: number, note?: string): Promise<Ticket> {
    return this.closeTicket(id, actor, "by-hand", note);
  }

  async setRoute(actor: string, id: number, route: Ticket["route"]): Promise<Ticket> {
    return this.ctx.db.tx(async () => {
      const before = await this.get(id);
      if (before.state !== "open") throw new ServicesError("conflict", `ticket ${id} is closed`);
      await this.repo.setRoute(id, route);
      const after = await this.get(id);
      await this.ctx.audit.record({ at: this.ctx.clock.now(), actor, action: "ticket.route", entity: "ticket", entityId: id, before, after });
      return after;
    });
  }

  /** Opens a ticket for every fault present past its persistence time. */
  async check(): Promise<void> {
    const now = this.clock.now();
    for (const f of await this.repo.faultsWithoutTicket()) {
      if (f.since + this.persist[f.fault] > now) continue;
      const id = await this.ctx.db.tx(async () => {
        // Another process on the same database may have opened it since the read above.
        if (!await this.repo.faultWaiting(f.id)) return null;
        const ticket = await this.repo.openTicket(f, DEFAULT_ROUTE[f.fault], now);
        await this.ctx.audit.record({ at: now, actor: "system", action: "ticket.open", entity: "ticket", entityId: ticket, after: await this.get(ticket) });
        return ticket;
      });
      if (id !== null) this.ctx.events.emit("ticket", id);
    }
  }

  private async present(installationId: number, panel: string, kind: FaultKind, key: string, title: string, at: number): Promise<void> {
    const inserted = await this.ctx.db.tx(() => this.repo.faultPresent({ installationId, panel, fault: kind, key, title, since: at }));
    if (inserted) await this.loop.replan();
  }

  private async restored(panel: string, key: string, at: number): Promise<void> {
    // heard() comes here for every frame a panel sends, mostly with no fault present: a plain read first,
    // so such a frame takes no write transaction (on PostgreSQL the services' write lock). The restore
    // itself stays inside one, serialised with the check that opens a fault's ticket.
    if (!(await this.repo.isPresent(panel, key))) return;
    const f = await this.ctx.db.tx(() => this.repo.faultRestored(panel, key, at));
    if (!f) return;
    if (f.ticketId !== null && (await this.get(f.ticketId)).state === "open") await this.closeTicket(f.ticketId, "system", "restored");
    await this.loop.replan();
  }

  private async closeTicket(id: number, actor: string, reason: "restored" | "by-hand", note?: string): Promise<Ticket> {
    const after = await this.ctx.db.tx(async () => {
      const before = await this.get(id);
      if (before.state !== "open") throw new ServicesError("conflict", `ticket ${id} is closed`);
      const now = this.ctx.clock.now();
      await this.repo.close(id, now, actor, reason);
      const after = await this.get(id);
      await this.ctx.audit.record({ at: now, actor, action: `ticket.close`, entity: "ticket", entityId: id, before, after: { ...after, note: note ?? null } });
      return after;
    });
    this.ctx.events.emit("ticket", id);
    return after;
  }
}
