/** Operator and session rows: the one place their SQL lives; runs inside the caller's transaction. */
import type { Role, Session } from "./operators.js";
import type { Db } from "./services-db.js";

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
  constructor(private readonly db: Db) {}

  insert(username: string, hash: string, role: Role, at: number): void {
    this.db.prepare("INSERT INTO svc_operators (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)").run(username, hash, role, at);
  }

  get(username: string): OperatorRow | undefined {
    return this.db.prepare("SELECT * FROM svc_operators WHERE username = ?").get(username) as OperatorRow | undefined;
  }

  usernames(): string[] {
    return (this.db.prepare("SELECT username FROM svc_operators ORDER BY username").all() as { username: string }[]).map((r) => r.username);
  }

  setDisabled(username: string, disabled: boolean): void {
    this.db.prepare("UPDATE svc_operators SET disabled = ? WHERE username = ?").run(disabled ? 1 : 0, username);
  }

  setWrong(username: string, wrong: number, lockedUntil: number | null): void {
    this.db.prepare("UPDATE svc_operators SET wrong = ?, locked_until = ? WHERE username = ?").run(wrong, lockedUntil, username);
  }

  insertSession(tokenHash: string, username: string, at: number, expiresAt: number): void {
    this.db.prepare("INSERT INTO svc_sessions (token_hash, username, created_at, expires_at) VALUES (?, ?, ?, ?)").run(tokenHash, username, at, expiresAt);
  }

  /** The session of a token hash, for an operator not disabled (expiry is the caller's to judge). */
  session(tokenHash: string): Session | undefined {
    const r = this.db
      .prepare("SELECT s.username, o.role, s.expires_at FROM svc_sessions s JOIN svc_operators o ON o.username = s.username WHERE s.token_hash = ? AND o.disabled = 0")
      .get(tokenHash) as { username: string; role: Role; expires_at: number } | undefined;
    return r && { username: r.username, role: r.role, expiresAt: r.expires_at };
  }

  endSession(tokenHash: string): void {
    this.db.prepare("DELETE FROM svc_sessions WHERE token_hash = ?").run(tokenHash);
  }

  endSessionsOf(username: string): void {
    this.db.prepare("DELETE FROM svc_sessions WHERE username = ?").run(username);
  }

  endSessionsBefore(at: number): void {
    this.db.prepare("DELETE FROM svc_sessions WHERE expires_at <= ?").run(at);
  }
}
