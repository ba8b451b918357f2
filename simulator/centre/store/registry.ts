/**
 * What the centre knows about each panel: its EN 50136 category, its Ed25519 frame keys, its TLS
 * certificates (and which are revoked), its plain-TCP demo password, and its last traffic and status.
 */
import { PanelId, publicKeyFromPem } from "../../../protocol/index.js";
import { isCategoryName, type CategoryName } from "../../../protocol/supervision.js";
import { statementCache, type Db, type Statement } from "./db.js";
import { CentreError } from "../errors.js";
import { CachedKeyRing } from "./key-ring.js";
import { hashPasswordSync, verifyPasswordSync } from "./password-hash.js";

export interface PanelRecord {
  readonly panel: string;
  readonly category: CategoryName;
  readonly createdAt: number;
  readonly lastSeen: number | null;
  readonly status: string | null;
  readonly statusAt: number | null;
  /**
   * Taken out of service: every frame key it had is revoked and no new one was provisioned (a panel
   * decommissioned, or a stolen one waiting for its new keys). It cannot report, so it is not supervised.
   */
  readonly retired: boolean;
}

/** The panels table's columns plus `retired`, as both stores select them (SQL common to SQLite and PostgreSQL). */
export const PANEL_SELECT =
  "SELECT p.panel, p.category, p.created_at, p.last_seen, p.status, p.status_at, " +
  "(EXISTS (SELECT 1 FROM frame_keys k WHERE k.panel = p.panel AND k.revoked_at IS NOT NULL) " +
  "AND NOT EXISTS (SELECT 1 FROM frame_keys k WHERE k.panel = p.panel AND k.revoked_at IS NULL)) AS retired FROM panels p";

/** Who holds certificates of one role (a subject may hold several, e.g. after re-provisioning). */
export interface CertificateHolder {
  readonly subject: string;
  readonly role: string;
  /** Every certificate of this subject and role is revoked. */
  readonly revoked: boolean;
}

/** What provisioning registers for a new panel (pki/provisioning.ts), in one transaction. */
export interface PanelEnrolment {
  readonly panel: string;
  readonly category: CategoryName;
  /** The TLS client certificate's serial (hex). */
  readonly serial: string;
  /** The Ed25519 frame key. */
  readonly kid: string;
  readonly publicPem: string;
  readonly at: number;
}

/** A row of the panels table, as both stores read it back (SQLite here, PostgreSQL in store-pg/). */
export interface PanelRow {
  panel: string;
  category: string;
  created_at: number;
  last_seen: number | null;
  status: string | null;
  status_at: number | null;
  /** 0/1 from SQLite, a boolean from PostgreSQL. */
  retired: number | boolean;
}

export class PanelRegistry {
  private readonly sql: (text: string) => Statement;
  constructor(private readonly db: Db) {
    this.sql = statementCache(db);
  }

  addPanel(panel: string, category: CategoryName, at: number): void {
    if (!PanelId.safeParse(panel).success) throw new CentreError("bad-argument", `bad panel id ${JSON.stringify(panel)}`);
    if (!isCategoryName(category)) throw new CentreError("bad-category", `unknown category ${category}`);
    const r = this.sql("INSERT OR IGNORE INTO panels (panel, category, created_at) VALUES (?, ?, ?)").run(panel, category, at);
    if (r.changes === 0) throw new CentreError("already-exists", `panel ${panel} is already registered`);
  }

  panel(panel: string): PanelRecord | undefined {
    const row = this.sql(`${PANEL_SELECT} WHERE p.panel = ?`).get(panel) as PanelRow | undefined;
    return row && toRecord(row);
  }

  panels(): PanelRecord[] {
    return (this.sql(`${PANEL_SELECT} ORDER BY p.panel`).all() as PanelRow[]).map(toRecord);
  }

  addFrameKey(kid: string, panel: string, publicPem: string, at: number): void {
    publicKeyFromPem(publicPem); // refuses anything but an Ed25519 SPKI PEM (ProtocolError bad-key)
    this.sql("INSERT INTO frame_keys (kid, panel, public_pem, created_at) VALUES (?, ?, ?, ?)").run(kid, panel, publicPem, at);
  }

  /** The unrevoked frame key `kid`, as its PEM: undefined when unknown or revoked. */
  frameKey(kid: string): { panel: string; publicPem: string } | undefined {
    const row = this.sql("SELECT panel, public_pem FROM frame_keys WHERE kid = ? AND revoked_at IS NULL").get(kid) as { panel: string; public_pem: string } | undefined;
    return row && { panel: row.panel, publicPem: row.public_pem };
  }

  addCertificate(serial: string, subject: string, role: string, at: number): void {
    this.sql("INSERT INTO certificates (serial, subject, role, issued_at) VALUES (?, ?, ?, ?)").run(serial.toLowerCase(), subject, role, at);
  }

  /** Revoke every certificate, frame key and demo password of a subject (a panel id or a centre client name). */
  revoke(subject: string, at: number): { certificates: number; keys: number } {
    return this.db.transaction(() => {
      this.sql("UPDATE panels SET password_hash = NULL WHERE panel = ?").run(subject);
      return {
        certificates: this.sql("UPDATE certificates SET revoked_at = ? WHERE subject = ? AND revoked_at IS NULL").run(at, subject).changes,
        keys: this.sql("UPDATE frame_keys SET revoked_at = ? WHERE panel = ? AND revoked_at IS NULL").run(at, subject).changes,
      };
    })();
  }

  isCertificateRevoked(serial: string): boolean {
    const row = this.sql("SELECT revoked_at FROM certificates WHERE serial = ?").get(serial.toLowerCase()) as { revoked_at: number | null } | undefined;
    return row?.revoked_at != null;
  }

  /** Every revoked certificate, for a CRL (pki-crl.ts). */
  revokedCertificates(): { serial: string; at: number }[] {
    return this.sql("SELECT serial, revoked_at AS at FROM certificates WHERE revoked_at IS NOT NULL ORDER BY revoked_at, serial").all() as { serial: string; at: number }[];
  }

  setPassword(panel: string, password: string): void {
    this.setPasswordHash(panel, hashPasswordSync(password));
  }

  /** Store an already hashed password (password-hash.ts); unknown-panel when there is no such panel. */
  setPasswordHash(panel: string, hash: string): void {
    const r = this.sql("UPDATE panels SET password_hash = ? WHERE panel = ?").run(hash, panel);
    if (r.changes === 0) throw new CentreError("unknown-panel", `no panel ${panel}`);
  }

  passwordHash(panel: string): string | null {
    const row = this.sql("SELECT password_hash FROM panels WHERE panel = ?").get(panel) as { password_hash: string | null } | undefined;
    return row?.password_hash ?? null;
  }

  checkPassword(panel: string, password: string): boolean {
    return verifyPasswordSync(this.passwordHash(panel), password);
  }

  /** Each (subject, role) holding certificates, and whether every one of them is revoked. */
  certificateHolders(): CertificateHolder[] {
    const rows = this.sql("SELECT subject, role, MIN(revoked_at IS NOT NULL) AS revoked FROM certificates GROUP BY subject, role ORDER BY subject, role").all() as {
      subject: string;
      role: string;
      revoked: number;
    }[];
    return rows.map((r) => ({ subject: r.subject, role: r.role, revoked: r.revoked === 1 }));
  }

  /** A new panel with its TLS certificate, frame key and (optional) password hash, all or nothing. */
  enrol(e: PanelEnrolment, passwordHash?: string): void {
    this.db.transaction(() => {
      this.addPanel(e.panel, e.category, e.at);
      this.addCertificate(e.serial, e.panel, "panel", e.at);
      this.addFrameKey(e.kid, e.panel, e.publicPem, e.at);
      if (passwordHash) this.setPasswordHash(e.panel, passwordHash);
    })();
  }

  setStatus(panel: string, status: string, at: number): void {
    this.sql("UPDATE panels SET status = ?, status_at = ? WHERE panel = ? AND (status_at IS NULL OR status_at <= ?)").run(status, at, panel, at);
  }

  /** A KeyRing over the registered, unrevoked keys; a revocation reaches it within `maxAgeMs`. */
  keyRing(maxAgeMs?: number, now?: () => number): CachedKeyRing {
    const frameKeyNow = (kid: string) => this.frameKey(kid);
    return new CachedKeyRing({ frameKey: async (kid) => frameKeyNow(kid), frameKeyNow }, maxAgeMs, now);
  }
}

export function toRecord(r: PanelRow): PanelRecord {
  return { panel: r.panel, category: r.category as CategoryName, createdAt: r.created_at, lastSeen: r.last_seen, status: r.status, statusAt: r.status_at, retired: Boolean(r.retired) };
}
