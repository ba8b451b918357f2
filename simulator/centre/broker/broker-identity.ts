/**
 * Who a client certificate names: CN = panel id or centre client name, OU = role (pki.ts issues them so).
 */
import type { PeerCertificate } from "node:tls";
import { PanelId } from "../../../protocol/index.js";
import { ROLES, type Identity, type Role } from "../role.js";

export function identityFromCertificate(cert: PeerCertificate): { ok: true; identity: Identity } | { ok: false; reason: string } {
  const cn = one(cert.subject?.CN);
  const ou = one(cert.subject?.OU);
  if (!cn) return { ok: false, reason: "certificate has no CN" };
  if (!ou || !ROLES.includes(ou as Role)) return { ok: false, reason: `certificate OU ${JSON.stringify(ou)} is not a role` };
  if (ou === "panel" && !PanelId.safeParse(cn).success) return { ok: false, reason: `CN ${JSON.stringify(cn)} is not a panel id` };
  return { ok: true, identity: { role: ou as Role, name: cn } };
}

// Node gives a string, or an array when the attribute repeats; a repeated CN/OU is refused.
function one(v: string | string[] | undefined): string | undefined {
  return typeof v === "string" ? v : undefined;
}
