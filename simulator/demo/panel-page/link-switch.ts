/**
 * The demo's cut in the line between the panel and the centre: the centre stops accepting the panel's
 * login and drops its session (the embedded broker's `kick`), as a cut cable or a dead router would look
 * to both sides; restoring puts the login back, and the gateway reconnects on its next retry (backoff
 * with jitter) and drains its outbox (store-and-forward). Only for the demo's plain-TCP logins.
 */
import { randomBytes } from "node:crypto";
import type { RunningSystem } from "../system.js";

export class LinkSwitch {
  #savedHash: string | null | undefined;

  constructor(private readonly sys: RunningSystem) {}

  get cut(): boolean {
    return this.#savedHash !== undefined;
  }

  cutLink(): void {
    if (this.cut || !this.sys.broker) return;
    // The registry keeps only the hash; keep it aside to put back (the panel's own password never changes).
    const row = this.sys.centre.db.prepare("SELECT password_hash AS h FROM panels WHERE panel = ?").get(this.sys.panelId) as { h: string | null } | undefined;
    this.#savedHash = row?.h ?? null;
    this.sys.centre.registry.setPassword(this.sys.panelId, randomBytes(24).toString("base64url"));
    this.sys.broker.kick(this.sys.panelId);
  }

  restoreLink(): void {
    if (!this.cut) return;
    this.sys.centre.db.prepare("UPDATE panels SET password_hash = ? WHERE panel = ?").run(this.#savedHash, this.sys.panelId);
    this.#savedHash = undefined;
  }
}
