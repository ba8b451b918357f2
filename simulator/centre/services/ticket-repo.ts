/** Fault and ticket rows: the one place their SQL lives; runs inside the caller's transaction. */
import type { FaultKind, TicketRoute } from "./fault-kind.js";
import { camelRow } from "./camel-row.js";
import type { Db } from "./services-db.js";
import type { Ticket } from "./ticket-schema.js";

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

/** A fault the panel reported and has not restored. */
export interface PresentFault {
  readonly id: number;
  readonly installationId: number;
  readonly panel: string;
  readonly fault: FaultKind;
  readonly key: string;
  readonly title: string;
  readonly since: number;
}

/** The columns of svc_faults that make a PresentFault. */
type FaultRow = Pick<TicketRow, "id" | "installation_id" | "panel" | "fault" | "key" | "title"> & { since: number };

export class TicketRepo {
  constructor(private readonly db: Db) {}

  /** Records a fault as present unless it already is; true when recorded now. */
  faultPresent(f: Omit<PresentFault, "id">): boolean {
    return (
      this.db
        .prepare("INSERT INTO svc_faults (installation_id, panel, fault, key, title, since) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (panel, key) WHERE restored_at IS NULL DO NOTHING")
        .run(f.installationId, f.panel, f.fault, f.key, f.title, f.since).changes > 0
    );
  }

  /** Marks the present fault restored; returns its ticket (if any), or undefined when none was present. */
  faultRestored(panel: string, key: string, at: number): { ticketId: number | null } | undefined {
    const f = this.db.prepare("SELECT id, ticket_id FROM svc_faults WHERE panel = ? AND key = ? AND restored_at IS NULL").get(panel, key) as { id: number; ticket_id: number | null } | undefined;
    if (!f) return undefined;
    this.db.prepare("UPDATE svc_faults SET restored_at = ? WHERE id = ?").run(at, f.id);
    return { ticketId: f.ticket_id };
  }

  faultsWithoutTicket(): PresentFault[] {
    const rows = this.db.prepare("SELECT id, installation_id, panel, fault, key, title, since FROM svc_faults WHERE restored_at IS NULL AND ticket_id IS NULL").all() as FaultRow[];
    return rows.map(camelRow);
  }

  /** Still present and still without a ticket. */
  faultWaiting(id: number): boolean {
    return this.db.prepare("SELECT 1 FROM svc_faults WHERE id = ? AND restored_at IS NULL AND ticket_id IS NULL").get(id) !== undefined;
  }

  openTicket(f: PresentFault, route: TicketRoute, at: number): number {
    const ticket = Number(
      this.db
        .prepare("INSERT INTO svc_tickets (installation_id, panel, fault, key, title, route, state, opened_at) VALUES (?, ?, ?, ?, ?, ?, 'open', ?)")
        .run(f.installationId, f.panel, f.fault, f.key, f.title, route, at).lastInsertRowid,
    );
    this.db.prepare("UPDATE svc_faults SET ticket_id = ? WHERE id = ?").run(ticket, f.id);
    return ticket;
  }

  setRoute(id: number, route: TicketRoute): void {
    this.db.prepare("UPDATE svc_tickets SET route = ? WHERE id = ?").run(route, id);
  }

  close(id: number, at: number, actor: string, reason: "restored" | "by-hand"): void {
    this.db.prepare("UPDATE svc_tickets SET state = 'closed', closed_at = ?, closed_by = ?, close_reason = ? WHERE id = ?").run(at, actor, reason, id);
  }

  get(id: number): Ticket | undefined {
    const r = this.db.prepare("SELECT * FROM svc_tickets WHERE id = ?").get(id) as TicketRow | undefined;
    return r && camelRow(r);
  }

  list(state?: "open" | "closed"): Ticket[] {
    const rows = (state ? this.db.prepare("SELECT * FROM svc_tickets WHERE state = ? ORDER BY id").all(state) : this.db.prepare("SELECT * FROM svc_tickets ORDER BY id").all()) as TicketRow[];
    return rows.map(camelRow);
  }
}
