/** Remote-command rows: the one place their SQL lives; runs inside the caller's transaction. */
import type { RemoteCommand } from "./remote-command-schema.js";
import { camelRow } from "./camel-row.js";
import type { ServicesDb } from "./services-db.js";

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
  constructor(private readonly db: ServicesDb) {}

  async insert(c: Pick<RemoteCommand, "id" | "installationId" | "panel" | "type" | "user" | "requestedBy" | "createdAt" | "expiresAt">): Promise<void> {
    await this.db.run("INSERT INTO svc_remote_commands (id, installation_id, panel, type, user_no, state, requested_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, 'sent', ?, ?, ?)", c.id, c.installationId, c.panel, c.type, c.user, c.requestedBy, c.createdAt, c.expiresAt);
  }

  async finish(id: string, state: RemoteCommand["state"], error: string | null, at: number): Promise<void> {
    await this.db.run("UPDATE svc_remote_commands SET state = ?, error = ?, done_at = ? WHERE id = ?", state, error, at, id);
  }

  async get(id: string): Promise<RemoteCommand | undefined> {
    const r = await this.db.get<Row>("SELECT * FROM svc_remote_commands WHERE id = ?", id);
    return r && toCommand(r);
  }

  async list(installationId: number): Promise<RemoteCommand[]> {
    return (await this.db.all<Row>("SELECT * FROM svc_remote_commands WHERE installation_id = ? ORDER BY created_at, id", installationId)).map(toCommand);
  }

  /** Commands still waiting for the panel's result. */
  async waiting(): Promise<RemoteCommand[]> {
    return (await this.db.all<Row>("SELECT * FROM svc_remote_commands WHERE state = 'sent'")).map(toCommand);
  }
}

function toCommand({ user_no, ...rest }: Row): RemoteCommand {
  return { ...camelRow(rest), user: user_no };
}
