/** The panel registry on PostgreSQL: the same rules as registry.ts (SQLite), one statement or transaction each. */
import { PANEL_SELECT, toRecord, type PanelRow } from "../store/registry.js";
import { PanelId, publicKeyFromPem } from "../../../protocol/index.js";
import { isCategoryName, type CategoryName } from "../../../protocol/supervision.js";
import { CentreError } from "../errors.js";
import type { CertificateHolder, PanelEnrolment, PanelRecord } from "../store/registry.js";
import { hashPassword, verifyPassword } from "../store/password-hash.js";
import type { PgDb } from "./pg-db.js";
import type { RegistryPort } from "./port.js";


export class PgRegistry implements RegistryPort {
  constructor(private readonly db: PgDb) {}

  async addPanel(panel: string, category: CategoryName, at: number): Promise<void> {
    if (!PanelId.safeParse(panel).success) throw new CentreError("bad-argument", `bad panel id ${JSON.stringify(panel)}`);
    if (!isCategoryName(category)) throw new CentreError("bad-category", `unknown category ${category}`);
    const rows = await this.db.query("INSERT INTO panels (panel, category, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING panel", [panel, category, at]);
    if (rows.length === 0) throw new CentreError("already-exists", `panel ${panel} is already registered`);
  }

  async addFrameKey(kid: string, panel: string, publicPem: string, at: number): Promise<void> {
    publicKeyFromPem(publicPem); // refuses anything but an Ed25519 SPKI PEM (ProtocolError bad-key)
    await this.db.query("INSERT INTO frame_keys (kid, panel, public_pem, created_at) VALUES ($1, $2, $3, $4)", [kid, panel, publicPem, at]);
  }

  async panel(panel: string): Promise<PanelRecord | undefined> {
    const row = (await this.db.query<PanelRow>(`${PANEL_SELECT} WHERE p.panel = $1`, [panel]))[0];
    return row && toRecord(row);
  }

  async panels(): Promise<PanelRecord[]> {
    return (await this.db.query<PanelRow>(`${PANEL_SELECT} ORDER BY p.panel`)).map(toRecord);
  }

  async setStatus(panel: string, status: string, at: number): Promise<void> {
    await this.db.query("UPDATE panels SET status = $1, status_at = $2 WHERE panel = $3 AND (status_at IS NULL OR status_at <= $2)", [status, at, panel]);
  }

  async frameKey(kid: string): Promise<{ panel: string; publicPem: string } | undefined> {
    const row = (await this.db.query<{ panel: string; public_pem: string }>("SELECT panel, public_pem FROM frame_keys WHERE kid = $1 AND revoked_at IS NULL", [kid]))[0];
    return row && { panel: row.panel, publicPem: row.public_pem };
  }

  revoke(subject: string, at: number): Promise<{ certificates: number; keys: number }> {
    return this.db.tx(async (c) => {
      await c.query("UPDATE panels SET password_hash = NULL WHERE panel = $1", [subject]);
      const certs = await c.query("UPDATE certificates SET revoked_at = $1 WHERE subject = $2 AND revoked_at IS NULL", [at, subject]);
      const keys = await c.query("UPDATE frame_keys SET revoked_at = $1 WHERE panel = $2 AND revoked_at IS NULL", [at, subject]);
      return { certificates: certs.rowCount ?? 0, keys: keys.rowCount ?? 0 };
    });
  }

  async enrolPanel(e: PanelEnrolment, password?: string): Promise<void> {
    if (!PanelId.safeParse(e.panel).success) throw new CentreError("bad-argument", `bad panel id ${JSON.stringify(e.panel)}`);
    if (!isCategoryName(e.category)) throw new CentreError("bad-category", `unknown category ${e.category}`);
    publicKeyFromPem(e.publicPem);
    // Hashed before the transaction: a row lock is never held across ~50 ms of scrypt.
    const hash = password === undefined ? null : await hashPassword(password);
    await this.db.tx(async (c) => {
      const r = await c.query("INSERT INTO panels (panel, category, created_at, password_hash) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", [e.panel, e.category, e.at, hash]);
      if (r.rowCount === 0) throw new CentreError("already-exists", `panel ${e.panel} is already registered`);
      await c.query("INSERT INTO certificates (serial, subject, role, issued_at) VALUES ($1, $2, 'panel', $3)", [e.serial.toLowerCase(), e.panel, e.at]);
      await c.query("INSERT INTO frame_keys (kid, panel, public_pem, created_at) VALUES ($1, $2, $3, $4)", [e.kid, e.panel, e.publicPem, e.at]);
    });
  }

  async addCertificate(serial: string, subject: string, role: string, at: number): Promise<void> {
    await this.db.query("INSERT INTO certificates (serial, subject, role, issued_at) VALUES ($1, $2, $3, $4)", [serial.toLowerCase(), subject, role, at]);
  }

  async isCertificateRevoked(serial: string): Promise<boolean> {
    const row = (await this.db.query<{ revoked_at: number | null }>("SELECT revoked_at FROM certificates WHERE serial = $1", [serial.toLowerCase()]))[0];
    return row?.revoked_at != null;
  }

  revokedCertificates(): Promise<{ serial: string; at: number }[]> {
    return this.db.query<{ serial: string; at: number }>("SELECT serial, revoked_at AS at FROM certificates WHERE revoked_at IS NOT NULL ORDER BY revoked_at, serial");
  }

  async certificateHolders(): Promise<CertificateHolder[]> {
    // COLLATE "C": byte order, as SQLite sorts, whatever the database's locale.
    const rows = await this.db.query<{ subject: string; role: string; revoked: boolean }>(
      `SELECT subject, role, bool_and(revoked_at IS NOT NULL) AS revoked FROM certificates GROUP BY subject, role ORDER BY subject COLLATE "C", role COLLATE "C"`,
    );
    return rows.map((r) => ({ subject: r.subject, role: r.role, revoked: r.revoked }));
  }

  async setPassword(panel: string, password: string): Promise<void> {
    const hash = await hashPassword(password);
    const rows = await this.db.query("UPDATE panels SET password_hash = $1 WHERE panel = $2 RETURNING panel", [hash, panel]);
    if (rows.length === 0) throw new CentreError("unknown-panel", `no panel ${panel}`);
  }

  async checkPassword(panel: string, password: string): Promise<boolean> {
    const row = (await this.db.query<{ password_hash: string | null }>("SELECT password_hash FROM panels WHERE panel = $1", [panel]))[0];
    return verifyPassword(row?.password_hash, password);
  }
}
