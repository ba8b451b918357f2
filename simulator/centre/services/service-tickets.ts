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
import { inTx, type ServicesContext } from "./services-context.js";
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
    this.loop = new CheckLoop(clock, () => this.check(), (now) => {
      const waiting = this.repo.faultsWithoutTicket();
      return waiting.length === 0 ? undefined : Math.min(...waiting.map((f) => f.since + this.persist[f.fault])) - now;
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): void {
    this.loop.stop();
  }

  onEvent(installationId: number, e: PanelEvent): void {
    const kind = faultKind(e.code);
    if (!kind) return;
    if (e.qualifier === Qualifier.Restore) this.restored(e.panel, eventKey(e), e.at);
    else this.present(installationId, e.panel, kind, eventKey(e), describe(e), e.at);
  }

  /** The receiver's transmission supervision found the panel silent past its reporting time. */
  transmissionFault(installationId: number, panel: string, at: number): void {
    this.present(installationId, panel, "supervision", TRANSMISSION_KEY, "transmission fault: panel not heard within its reporting time", at);
  }

  /** Any traffic from the panel restores a transmission fault. */
  heard(panel: string, at: number): void {
    this.restored(panel, TRANSMISSION_KEY, at);
  }

  list(state?: "open" | "closed"): Ticket[] {
    return this.repo.list(state);
  }

  get(id: number): Ticket {
    const t = this.repo.get(id);
    if (!t) throw notFound(`ticket ${id}`);
    return t;
  }

  close(actor: string, id: number, note?: string): Ticket {
    return this.closeTicket(id, actor, "by-hand", note);
  }

  setRoute(actor: string, id: number, route: Ticket["route"]): Ticket {
    return inTx(this.ctx.db, () => {
      const before = this.get(id);
      this.repo.setRoute(id, route);
      const after = this.get(id);
      this.ctx.audit.record({ at: this.ctx.clock.now(), actor, action: "ticket.route", entity: "ticket", entityId: id, before, after });
      return after;
    });
  }

  /** Opens a ticket for every fault present past its persistence time. */
  check(): void {
    const now = this.clock.now();
    for (const f of this.repo.faultsWithoutTicket()) {
      if (f.since + this.persist[f.fault] > now) continue;
      const id = inTx(this.ctx.db, () => {
        // Another process on the same file may have opened it since the read above.
        if (!this.repo.faultWaiting(f.id)) return null;
        const ticket = this.repo.openTicket(f, DEFAULT_ROUTE[f.fault], now);
        this.ctx.audit.record({ at: now, actor: "system", action: "ticket.open", entity: "ticket", entityId: ticket, after: this.get(ticket) });
        return ticket;
      });
      if (id !== null) this.ctx.events.emit("ticket", id);
    }
  }

  private present(installationId: number, panel: string, kind: FaultKind, key: string, title: string, at: number): void {
    const inserted = inTx(this.ctx.db, () => this.repo.faultPresent({ installationId, panel, fault: kind, key, title, since: at }));
    if (inserted) this.loop.replan();
  }

  private restored(panel: string, key: string, at: number): void {
    const f = inTx(this.ctx.db, () => this.repo.faultRestored(panel, key, at));
    if (!f) return;
    if (f.ticketId !== null && this.get(f.ticketId).state === "open") this.closeTicket(f.ticketId, "system", "restored");
    this.loop.replan();
  }

  private closeTicket(id: number, actor: string, reason: "restored" | "by-hand", note?: string): Ticket {
    const after = inTx(this.ctx.db, () => {
      const before = this.get(id);
      if (before.state !== "open") throw new ServicesError("conflict", `ticket ${id} is closed`);
      const now = this.ctx.clock.now();
      this.repo.close(id, now, actor, reason);
      const after = this.get(id);
      this.ctx.audit.record({ at: now, actor, action: `ticket.close`, entity: "ticket", entityId: id, before, after: { ...after, note: note ?? null } });
      return after;
    });
    this.ctx.events.emit("ticket", id);
    return after;
  }
}
