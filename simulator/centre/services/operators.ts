/**
 * Operators of the centre and their sessions. Passwords are scrypt hashes; a session is a random bearer
 * token of which only the SHA-256 is stored; wrong passwords lock the account for a while, as wrong codes
 * lock a keypad. Roles rank operator < supervisor < admin.
 */
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { OperatorRepo, type OperatorRow } from "./operator-repo.js";
import { parseInput } from "./parse-input.js";
import { hashSecret, verifySecret } from "./secret-hash.js";
import type { ServicesContext } from "./services-context.js";
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


const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");
const operator = (r: OperatorRow): Operator => ({ username: r.username, role: r.role, disabled: r.disabled === 1, createdAt: r.created_at });

export class Operators {
  private readonly sessionMs: number;
  private readonly wrongLimit: number;
  private readonly lockoutMs: number;
  /** Verified against when the user is unknown: same cost, a secret nobody has. */
  private readonly dummyHash: string;
  private readonly repo: OperatorRepo;

  constructor(
    private readonly ctx: ServicesContext,
    opts: OperatorOptions = {},
  ) {
    this.sessionMs = opts.sessionMs ?? 8 * 3_600_000;
    this.wrongLimit = opts.wrongLimit ?? 5;
    this.lockoutMs = opts.lockoutMs ?? 15 * 60_000;
    this.dummyHash = hashSecret(randomBytes(16).toString("hex"), ctx.scrypt);
    this.repo = new OperatorRepo(ctx.db);
  }

  async create(actor: string, input: OperatorInput): Promise<Operator> {
    const v = parseInput(OperatorInput, input);
    const hash = hashSecret(v.password, this.ctx.scrypt);
    return this.ctx.db.tx(async () => {
      if (await this.repo.get(v.username)) throw new ServicesError("conflict", `operator ${v.username} exists`, "username");
      const now = this.ctx.clock.now();
      await this.repo.insert(v.username, hash, v.role, now);
      const after = await this.get(v.username);
      await this.ctx.audit.record({ at: now, actor, action: "operator.create", entity: "operator", entityId: v.username, after });
      return after;
    });
  }

  /** Disabling ends the operator's sessions at once. The last enabled admin stays: else no one could add or enable operators. */
  async setDisabled(actor: string, username: string, disabled: boolean): Promise<Operator> {
    return this.ctx.db.tx(async () => {
      const before = await this.get(username);
      if (disabled && before.role === "admin" && !before.disabled) {
        const admins = (await this.list()).filter((o) => o.role === "admin" && !o.disabled);
        if (admins.length <= 1) throw new ServicesError("conflict", `${username} is the last enabled admin: add or enable another admin first`, "username");
      }
      await this.repo.setDisabled(username, disabled);
      if (disabled) await this.repo.endSessionsOf(username);
      const after = await this.get(username);
      await this.ctx.audit.record({ at: this.ctx.clock.now(), actor, action: "operator.disable", entity: "operator", entityId: username, before, after });
      return after;
    });
  }

  async get(username: string): Promise<Operator> {
    const r = await this.repo.get(username);
    if (!r) throw notFound(`operator ${username}`);
    return operator(r);
  }

  async list(): Promise<Operator[]> {
    return (await this.repo.all()).map(operator);
  }

  /** A new session token (returned once, stored only as its hash). */
  async login(input: unknown): Promise<{ token: string; session: Session }> {
    const v = parseInput(LoginInput, input);
    const now = this.ctx.clock.now();
    const r = await this.repo.get(v.username);
    // An unknown user costs the same scrypt as a known one, so timing does not tell which names exist.
    const ok = verifySecret(v.password, r?.password_hash ?? this.dummyHash) && r !== undefined;
    if (r && r.locked_until !== null && now < r.locked_until) {
      throw new ServicesError("locked-out", `account locked after wrong passwords until ${new Date(r.locked_until).toISOString()}`, "password", { until: r.locked_until });
    }
    if (!ok || !r || r.disabled) {
      if (r) await this.countWrong(r, now);
      throw new ServicesError("wrong-password", "wrong username or password", "password");
    }
    const token = randomBytes(32).toString("base64url");
    const session: Session = { username: r.username, role: r.role, expiresAt: now + this.sessionMs };
    await this.ctx.db.tx(async () => {
      await this.repo.setWrong(r.username, 0, null);
      await this.repo.endSessionsBefore(now);
      await this.repo.insertSession(sha256(token), r.username, now, session.expiresAt);
      await this.ctx.audit.record({ at: now, actor: r.username, action: "operator.login", entity: "operator", entityId: r.username });
    });
    return { token, session };
  }

  /** The session of a token: valid until its expiry (exclusive), for an operator not disabled. */
  async session(token: string | undefined): Promise<Session> {
    if (!token) throw new ServicesError("unauthenticated", "log in first");
    const r = await this.repo.session(sha256(token));
    if (!r || this.ctx.clock.now() >= r.expiresAt) throw new ServicesError("unauthenticated", "session expired or unknown");
    return r;
  }

  async logout(token: string): Promise<void> {
    await this.ctx.db.tx(async () => {
      const s = await this.session(token);
      await this.repo.endSession(sha256(token));
      await this.ctx.audit.record({ at: this.ctx.clock.now(), actor: s.username, action: "operator.logout", entity: "operator", entityId: s.username });
    });
  }

  private async countWrong(r: OperatorRow, now: number): Promise<void> {
    await this.ctx.db.tx(async () => {
      // Read again inside the transaction: wrong passwords tried at once (here or at another alarm-centre on
      // the same database) each count, none overwrites another's.
      const cur = (await this.repo.get(r.username)) ?? r;
      const wrong = cur.wrong + 1;
      const lock = wrong >= this.wrongLimit;
      await this.repo.setWrong(r.username, lock ? 0 : wrong, lock ? now + this.lockoutMs : cur.locked_until);
      await this.ctx.audit.record({ at: now, actor: r.username, action: lock ? "operator.locked-out" : "operator.wrong-password", entity: "operator", entityId: r.username, after: { wrong } });
    });
  }
}
