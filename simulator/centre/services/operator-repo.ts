/** Operator and session rows: the one place their SQL lives; runs inside the caller's transaction. */
import type { Role, Session } from "./operators.js";
import type { ServicesDb } from "./services-db.js";

export interface OperatorRow {
  username: string;
  password_hash: string;
  role: Role;
  disabled: number;
  wrong: number;
  locked_until: number | null;
  created_at: number;
}

export class OperatorRepo {
  constructor(private readonly db: ServicesDb) {}

  async insert(username: string, hash: string, role: Role, at: number): Promise<void> {
    await this.db.run("INSERT INTO svc_operators (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)", username, hash, role, at);
  }

  async get(username: string): Promise<OperatorRow | undefined> {
    return this.db.get<OperatorRow>("SELECT * FROM svc_operators WHERE username = ?", username);
  }

  async all(): Promise<OperatorRow[]> {
    return this.db.all<OperatorRow>("SELECT * FROM svc_operators ORDER BY username");
  }

  async setDisabled(username: string, disabled: boolean): Promise<void> {
    await this.db.run("UPDATE svc_operators SET disabled = ? WHERE username = ?", disabled ? 1 : 0, username);
  }

  async setWrong(username: string, wrong: number, lockedUntil: number | null): Promise<void> {
    await this.db.run("UPDATE svc_operators SET wrong = ?, locked_until = ? WHERE username = ?", wrong, lockedUntil, username);
  }

  async insertSession(tokenHash: string, username: string, at: number, expiresAt: number): Promise<void> {
    await this.db.run("INSERT INTO svc_sessions (token_hash, username, created_at, expires_at) VALUES (?, ?, ?, ?)", tokenHash, username, at, expiresAt);
  }

  /** The session of a token hash, for an operator not disabled (expiry is the caller's to judge). */
  async session(tokenHash: string): Promise<Session | undefined> {
    const r = await this.db.get<{ username: string; role: Role; expires_at: number }>("SELECT s.username, o.role, s.expires_at FROM svc_sessions s JOIN svc_operators o ON o.username = s.username WHERE s.token_hash = ? AND o.disabled = 0", tokenHash);
    return r && { username: r.username, role: r.role, expiresAt: r.expires_at };
  }

  async endSession(tokenHash: string): Promise<void> {
    await this.db.run("DELETE FROM svc_sessions WHERE token_hash = ?", tokenHash);
  }

  async endSessionsOf(username: string): Promise<void> {
    await this.db.run("DELETE FROM svc_sessions WHERE username = ?", username);
  }

  async endSessionsBefore(at: number): Promise<void> {
    await this.db.run("DELETE FROM svc_sessions WHERE expires_at <= ?", at);
  }
}
