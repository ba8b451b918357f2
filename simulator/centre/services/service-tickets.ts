/**
 * Service tickets: a fault (tamper, battery, AC loss, communication, transmission supervision) still
 * present after its persistence time opens a ticket for remote support or a technician visit; its restore
 * closes it, or an operator does by hand. Persistence deadlines are clock timers (both sides tested).
 */
import { z } from "zod";
import { Qualifier } from "../../../protocol/events.js";
import type { Clock, Timer } from "../../../protocol/clock.js";
import { describe, eventKey, type EventListener, type PanelEvent } from "./alarm-intake.js";
import { DEFAULT_PERSIST_MS, DEFAULT_ROUTE, FAULT_KINDS, faultKind, type FaultKind } from "./fault-kind.js";
import { inTx, type ServicesContext } from "./services-context.js";
import { ServicesError, notFound } from "./services-error.js";

export const Ticket = z.strictObject({
  id: z.int(),
  installationId: z.int(),
  panel: z.string(),
  fault: z.enum(FAULT_KINDS),
  key: z.string(),
  title: z.string(),
  route: z.enum(["support", "visit"]),
  state: z.enum(["open", "closed"]),
  openedAt: z.int(),
  closedAt: z.int().nullable(),
  closedBy: z.string().nullable(),
  closeReason: z.enum(["restored", "by-hand"]).nullable(),
});
export type Ticket = z.infer<typeof Ticket>;

interface TicketRow {
  id: number;
  installation_id: number;
  panel: string;
  fault: FaultKind;
  key: string;
  title: string;
  route: Ticket["route"];
  state: Ticket["state"];
  opened_at: number;
  closed_at: number | null;
  closed_by: string | null;
  close_reason: Ticket["closeReason"];
}

export const TRANSMISSION_KEY = "transmission";

export class ServiceTickets implements EventListener {
  private timer: Timer | undefined;
  private running = false;
  private readonly persist: Record<FaultKind, number>;

  constructor(
    private readonly ctx: ServicesContext,
    persistMs: Partial<Record<FaultKind, number>> = {},
    private readonly clock: Clock = ctx.clock,
  ) {
    this.persist = { ...DEFAULT_PERSIST_MS, ...persistMs };
  }

  start(): void {
    this.running = true;
    this.plan();
  }

  stop(): void {
    this.running = false;
    this.timer?.cancel();
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
    const rows = (state ? this.ctx.db.prepare("SELECT * FROM svc_tickets WHERE state = ? ORDER BY id").all(state) : this.ctx.db.prepare("SELECT * FROM svc_tickets ORDER BY id").all()) as TicketRow[];
    return rows.map(toTicket);
  }

  get(id: number): Ticket {
    const r = this.ctx.db.prepare("SELECT * FROM svc_tickets WHERE id = ?").get(id) as TicketRow | undefined;
    if (!r) throw notFound(`ticket ${id}`);
    return toTicket(r);
  }

  close(actor: string, id: number, note?: string): Ticket {
    return this.closeTicket(id, actor, "by-hand", note);
  }

  setRoute(actor: string, id: number, route: Ticket["route"]): Ticket {
    return inTx(this.ctx.db, () => {
      const before = this.get(id);
      this.ctx.db.prepare("UPDATE svc_tickets SET route = ? WHERE id = ?").run(route, id);
      const after = this.get(id);
      this.ctx.audit.record({ at: this.ctx.clock.now(), actor, action: "ticket.route", entity: "ticket", entityId: id, before, after });
      return after;
    });
  }

  /** Opens a ticket for every fault present past its persistence time. */
  check(): void {
    const now = this.clock.now();
    const faults = this.ctx.db.prepare("SELECT * FROM svc_faults WHERE restored_at IS NULL AND ticket_id IS NULL").all() as {
      id: number;
      installation_id: number;
      panel: string;
      fault: FaultKind;
      key: string;
      title: string;
      since: number;
    }[];
    for (const f of faults) {
      if (f.since + this.persist[f.fault] > now) continue;
      const id = inTx(this.ctx.db, () => {
        // Another process on the same file may have opened it since the read above.
        const still = this.ctx.db.prepare("SELECT 1 FROM svc_faults WHERE id = ? AND restored_at IS NULL AND ticket_id IS NULL").get(f.id);
        if (!still) return null;
        const ticket = Number(
          this.ctx.db
            .prepare("INSERT INTO svc_tickets (installation_id, panel, fault, key, title, route, state, opened_at) VALUES (?, ?, ?, ?, ?, ?, 'open', ?)")
            .run(f.installation_id, f.panel, f.fault, f.key, f.title, DEFAULT_ROUTE[f.fault], now).lastInsertRowid,
        );
        this.ctx.db.prepare("UPDATE svc_faults SET ticket_id = ? WHERE id = ?").run(ticket, f.id);
        this.ctx.audit.record({ at: now, actor: "system", action: "ticket.open", entity: "ticket", entityId: ticket, after: this.get(ticket) });
        return ticket;
      });
      if (id !== null) this.ctx.events.emit("ticket", id);
    }
  }

  private present(installationId: number, panel: string, kind: FaultKind, key: string, title: string, at: number): void {
    const inserted = inTx(this.ctx.db, () => {
      const r = this.ctx.db
        .prepare("INSERT INTO svc_faults (installation_id, panel, fault, key, title, since) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (panel, key) WHERE restored_at IS NULL DO NOTHING")
        .run(installationId, panel, kind, key, title, at);
      return r.changes > 0;
    });
    if (inserted && this.running) this.plan();
  }

  private restored(panel: string, key: string, at: number): void {
    const f = this.ctx.db.prepare("SELECT id, ticket_id FROM svc_faults WHERE panel = ? AND key = ? AND restored_at IS NULL").get(panel, key) as { id: number; ticket_id: number | null } | undefined;
    if (!f) return;
    inTx(this.ctx.db, () => this.ctx.db.prepare("UPDATE svc_faults SET restored_at = ? WHERE id = ?").run(at, f.id));
    if (f.ticket_id !== null && this.get(f.ticket_id).state === "open") this.closeTicket(f.ticket_id, "system", "restored");
    if (this.running) this.plan();
  }

  private closeTicket(id: number, actor: string, reason: "restored" | "by-hand", note?: string): Ticket {
    const after = inTx(this.ctx.db, () => {
      const before = this.get(id);
      if (before.state !== "open") throw new ServicesError("conflict", `ticket ${id} is closed`);
      const now = this.ctx.clock.now();
      this.ctx.db.prepare("UPDATE svc_tickets SET state = 'closed', closed_at = ?, closed_by = ?, close_reason = ? WHERE id = ?").run(now, actor, reason, id);
      const after = this.get(id);
      this.ctx.audit.record({ at: now, actor, action: `ticket.close`, entity: "ticket", entityId: id, before, after: { ...after, note: note ?? null } });
      return after;
    });
    this.ctx.events.emit("ticket", id);
    return after;
  }

  private plan(): void {
    this.timer?.cancel();
    if (!this.running) return;
    this.check();
    const rows = this.ctx.db.prepare("SELECT fault, since FROM svc_faults WHERE restored_at IS NULL AND ticket_id IS NULL").all() as { fault: FaultKind; since: number }[];
    if (rows.length === 0) return;
    const next = Math.min(...rows.map((r) => r.since + this.persist[r.fault]));
    this.timer = this.clock.schedule(next - this.clock.now(), () => this.plan());
  }
}

function toTicket(r: TicketRow): Ticket {
  return {
    id: r.id,
    installationId: r.installation_id,
    panel: r.panel,
    fault: r.fault,
    key: r.key,
    title: r.title,
    route: r.route,
    state: r.state,
    openedAt: r.opened_at,
    closedAt: r.closed_at,
    closedBy: r.closed_by,
    closeReason: r.close_reason,
  };
}
