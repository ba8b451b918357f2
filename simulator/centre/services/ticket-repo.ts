/** Fault and ticket rows: the one place their SQL lives; runs inside the caller's transaction. */
import type { FaultKind, TicketRoute } from "./fault-kind.js";
import { camelRow } from "./camel-row.js";
import type { ServicesDb } from "./services-db.js";
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
  constructor(private readonly db: ServicesDb) {}

  /** Records a fault as present unless it already is; true when recorded now. */
  async faultPresent(f: Omit<PresentFault, "id">): Promise<boolean> {
    return (
      (await this.db.run("INSERT INTO svc_faults (installation_id, panel, fault, key, title, since) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (panel, key) WHERE restored_at IS NULL DO NOTHING", f.installationId, f.panel, f.fault, f.key, f.title, f.since)) > 0
    );
  }

  /** Whether a fault of this key is present now (a read, outside the write lock). */
  async isPresent(panel: string, key: string): Promise<boolean> {
    return (await this.db.get("SELECT 1 FROM svc_faults WHERE panel = ? AND key = ? AND restored_at IS NULL", panel, key)) !== undefined;
  }

  /** Marks the present fault (at most one per key) restored; returns its ticket (if any), or undefined when none was present. */
  async faultRestored(panel: string, key: string, at: number): Promise<{ ticketId: number | null } | undefined> {
    const f = await this.db.get<{ ticket_id: number | null }>("UPDATE svc_faults SET restored_at = ? WHERE panel = ? AND key = ? AND restored_at IS NULL RETURNING ticket_id", at, panel, key);
    return f && { ticketId: f.ticket_id };
  }

  async faultsWithoutTicket(): Promise<PresentFault[]> {
    const rows = await this.db.all<FaultRow>("SELECT id, installation_id, panel, fault, key, title, since FROM svc_faults WHERE restored_at IS NULL AND ticket_id IS NULL");
    return rows.map(camelRow);
  }

  /** Still present and still without a ticket. */
  async faultWaiting(id: number): Promise<boolean> {
    return (await this.db.get("SELECT 1 FROM svc_faults WHERE id = ? AND restored_at IS NULL AND ticket_id IS NULL", id)) !== undefined;
  }

  async openTicket(f: PresentFault, route: TicketRoute, at: number): Promise<number> {
    const ticket = Number(
      (await this.db.insert("INSERT INTO svc_tickets (installation_id, panel, fault, key, title, route, state, opened_at) VALUES (?, ?, ?, ?, ?, ?, 'open', ?)", f.installationId, f.panel, f.fault, f.key, f.title, route, at)),
    );
    await this.db.run("UPDATE svc_faults SET ticket_id = ? WHERE id = ?", ticket, f.id);
    return ticket;
  }

  async setRoute(id: number, route: TicketRoute): Promise<void> {
    await this.db.run("UPDATE svc_tickets SET route = ? WHERE id = ?", route, id);
  }

  async close(id: number, at: number, actor: string, reason: "restored" | "by-hand"): Promise<void> {
    await this.db.run("UPDATE svc_tickets SET state = 'closed', closed_at = ?, closed_by = ?, close_reason = ? WHERE id = ?", at, actor, reason, id);
  }

  async get(id: number): Promise<Ticket | undefined> {
    const r = await this.db.get<TicketRow>("SELECT * FROM svc_tickets WHERE id = ?", id);
    return r && camelRow(r);
  }

  async list(state?: "open" | "closed"): Promise<Ticket[]> {
    const rows = (state ? (await this.db.all("SELECT * FROM svc_tickets WHERE state = ? ORDER BY id", state)) : (await this.db.all("SELECT * FROM svc_tickets ORDER BY id"))) as TicketRow[];
    return rows.map(camelRow);
  }
}
