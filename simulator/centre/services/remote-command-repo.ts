/** Remote-command rows: the one place their SQL lives; runs inside the caller's transaction. */
import type { RemoteCommand } from "./remote-command-schema.js";
import { camelRow } from "./camel-row.js";
import type { Db } from "./services-db.js";

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

export class RemoteCommandRepo {
  constructor(private readonly db: Db) {}

  insert(c: Pick<RemoteCommand, "id" | "installationId" | "panel" | "type" | "user" | "requestedBy" | "createdAt" | "expiresAt">): void {
    this.db
      .prepare("INSERT INTO svc_remote_commands (id, installation_id, panel, type, user_no, state, requested_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, 'sent', ?, ?, ?)")
      .run(c.id, c.installationId, c.panel, c.type, c.user, c.requestedBy, c.createdAt, c.expiresAt);
  }

  finish(id: string, state: RemoteCommand["state"], error: string | null, at: number): void {
    this.db.prepare("UPDATE svc_remote_commands SET state = ?, error = ?, done_at = ? WHERE id = ?").run(state, error, at, id);
  }

  get(id: string): RemoteCommand | undefined {
    const r = this.db.prepare("SELECT * FROM svc_remote_commands WHERE id = ?").get(id) as Row | undefined;
    return r && toCommand(r);
  }

  list(installationId: number): RemoteCommand[] {
    return (this.db.prepare("SELECT * FROM svc_remote_commands WHERE installation_id = ? ORDER BY created_at, id").all(installationId) as Row[]).map(toCommand);
  }

  /** Commands still waiting for the panel's result. */
  waiting(): RemoteCommand[] {
    return (this.db.prepare("SELECT * FROM svc_remote_commands WHERE state = 'sent'").all() as Row[]).map(toCommand);
  }
}

function toCommand({ user_no, ...rest }: Row): RemoteCommand {
  return { ...camelRow(rest), user: user_no };
}
