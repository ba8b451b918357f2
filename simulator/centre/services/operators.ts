/**
 * Operators of the centre and their sessions. Passwords are scrypt hashes; a session is a random bearer
 * token of which only the SHA-256 is stored; wrong passwords lock the account for a while, as wrong codes
 * lock a keypad. Roles rank operator < supervisor < admin.
 */
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { parseInput } from "./parse-input.js";
import { hashSecret, verifySecret } from "./secret-hash.js";
import { inTx, type ServicesContext } from "./services-context.js";
import { ServicesError, notFound } from "./services-error.js";

export const ROLES = ["operator", "supervisor", "admin"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export function mayAct(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

export const Username = z.string().regex(/^[a-z][a-z0-9._-]{1,31}$/, "2-32 characters: a-z, 0-9, . _ -, starting with a letter");
export const OperatorInput = z.strictObject({ username: Username, password: z.string().min(10).max(128), role: Role });
export type OperatorInput = z.input<typeof OperatorInput>;
export const Operator = z.strictObject({ username: z.string(), role: Role, disabled: z.boolean(), createdAt: z.int() });
export type Operator = z.infer<typeof Operator>;
export const LoginInput = z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(128) });

export interface Session {
  readonly username: string;
  readonly role: Role;
  readonly expiresAt: number;
}

export interface OperatorOptions {
  /** Session lifetime (default 8 h, one shift). */
  readonly sessionMs?: number;
  readonly wrongLimit?: number;
  readonly lockoutMs?: number;
}

interface Row {
  username: string;
  password_hash: string;
  role: Role;
  disabled: number;
  wrong: number;
  locked_until: number | null;
  created_at: number;
}

const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");

export class Operators {
  private readonly sessionMs: number;
  private readonly wrongLimit: number;
  private readonly lockoutMs: number;
  /** Verified against when the user is unknown: same cost, a secret nobody has. */
  private readonly dummyHash: string;

  constructor(
    private readonly ctx: ServicesContext,
    opts: OperatorOptions = {},
  ) {
    this.sessionMs = opts.sessionMs ?? 8 * 3_600_000;
    this.wrongLimit = opts.wrongLimit ?? 5;
    this.lockoutMs = opts.lockoutMs ?? 15 * 60_000;
    this.dummyHash = hashSecret(randomBytes(16).toString("hex"), ctx.scrypt);
  }

  create(actor: string, input: OperatorInput): Operator {
    const v = parseInput(OperatorInput, input);
    const hash = hashSecret(v.password, this.ctx.scrypt);
    return inTx(this.ctx.db, () => {
      if (this.row(v.username)) throw new ServicesError("conflict", `operator ${v.username} exists`, "username");
      const now = this.ctx.clock.now();
      this.ctx.db.prepare("INSERT INTO svc_operators (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)").run(v.username, hash, v.role, now);
      const after = this.get(v.username);
      this.ctx.audit.record({ at: now, actor, action: "operator.create", entity: "operator", entityId: v.username, after });
      return after;
    });
  }

  /** Disabling ends the operator's sessions at once. */
  setDisabled(actor: string, username: string, disabled: boolean): Operator {
    return inTx(this.ctx.db, () => {
      const before = this.get(username);
      this.ctx.db.prepare("UPDATE svc_operators SET disabled = ? WHERE username = ?").run(disabled ? 1 : 0, username);
      if (disabled) this.ctx.db.prepare("DELETE FROM svc_sessions WHERE username = ?").run(username);
      const after = this.get(username);
      this.ctx.audit.record({ at: this.ctx.clock.now(), actor, action: "operator.disable", entity: "operator", entityId: username, before, after });
      return after;
    });
  }

  get(username: string): Operator {
    const r = this.row(username);
    if (!r) throw notFound(`operator ${username}`);
    return { username: r.username, role: r.role, disabled: r.disabled === 1, createdAt: r.created_at };
  }

  list(): Operator[] {
    return (this.ctx.db.prepare("SELECT username FROM svc_operators ORDER BY username").all() as { username: string }[]).map((r) => this.get(r.username));
  }

  /** A new session token (returned once, stored only as its hash). */
  login(input: unknown): { token: string; session: Session } {
    const v = parseInput(LoginInput, input);
    const now = this.ctx.clock.now();
    const r = this.row(v.username);
    // An unknown user costs the same scrypt as a known one, so timing does not tell which names exist.
    const ok = verifySecret(v.password, r?.password_hash ?? this.dummyHash) && r !== undefined;
    if (r && r.locked_until !== null && now < r.locked_until) throw new ServicesError("locked-out", "account locked after wrong passwords", "password", { until: r.locked_until });
    if (!ok || !r || r.disabled) {
      if (r) this.countWrong(r, now);
      throw new ServicesError("wrong-password", "wrong username or password", "password");
    }
    const token = randomBytes(32).toString("base64url");
    const session: Session = { username: r.username, role: r.role, expiresAt: now + this.sessionMs };
    inTx(this.ctx.db, () => {
      this.ctx.db.prepare("UPDATE svc_operators SET wrong = 0, locked_until = NULL WHERE username = ?").run(r.username);
      this.ctx.db.prepare("DELETE FROM svc_sessions WHERE expires_at <= ?").run(now);
      this.ctx.db.prepare("INSERT INTO svc_sessions (token_hash, username, created_at, expires_at) VALUES (?, ?, ?, ?)").run(sha256(token), r.username, now, session.expiresAt);
      this.ctx.audit.record({ at: now, actor: r.username, action: "operator.login", entity: "operator", entityId: r.username });
    });
    return { token, session };
  }

  /** The session of a token: valid until its expiry (exclusive), for an operator not disabled. */
  session(token: string | undefined): Session {
    if (!token) throw new ServicesError("unauthenticated", "log in first");
    const r = this.ctx.db
      .prepare("SELECT s.username, o.role, s.expires_at FROM svc_sessions s JOIN svc_operators o ON o.username = s.username WHERE s.token_hash = ? AND o.disabled = 0")
      .get(sha256(token)) as { username: string; role: Role; expires_at: number } | undefined;
    if (!r || this.ctx.clock.now() >= r.expires_at) throw new ServicesError("unauthenticated", "session expired or unknown");
    return { username: r.username, role: r.role, expiresAt: r.expires_at };
  }

  logout(token: string): void {
    inTx(this.ctx.db, () => {
      const s = this.session(token);
      this.ctx.db.prepare("DELETE FROM svc_sessions WHERE token_hash = ?").run(sha256(token));
      this.ctx.audit.record({ at: this.ctx.clock.now(), actor: s.username, action: "operator.logout", entity: "operator", entityId: s.username });
    });
  }

  private countWrong(r: Row, now: number): void {
    inTx(this.ctx.db, () => {
      const wrong = r.wrong + 1;
      const lock = wrong >= this.wrongLimit;
      this.ctx.db.prepare("UPDATE svc_operators SET wrong = ?, locked_until = ? WHERE username = ?").run(lock ? 0 : wrong, lock ? now + this.lockoutMs : r.locked_until, r.username);
      this.ctx.audit.record({ at: now, actor: r.username, action: lock ? "operator.locked-out" : "operator.wrong-password", entity: "operator", entityId: r.username, after: { wrong } });
    });
  }

  private row(username: string): Row | undefined {
    return this.ctx.db.prepare("SELECT * FROM svc_operators WHERE username = ?").get(username) as Row | undefined;
  }
}
