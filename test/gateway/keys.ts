/** Test keys: one panel signer and one centre signer, generated once per test file. */
import { generateEd25519, privateKeyFromPem, publicKeyFromPem, type Signer } from "../../protocol/index.js";

export function testKeys(panelKid = "panel-1", centreKid = "centre-1") {
  const p = generateEd25519();
  const c = generateEd25519();
  const panel: Signer = { kid: panelKid, key: privateKeyFromPem(p.privatePem) };
  const centre: Signer = { kid: centreKid, key: privateKeyFromPem(c.privatePem) };
  return {
    panel,
    panelPublic: publicKeyFromPem(p.publicPem),
    centre,
    centrePublic: { kid: centreKid, key: publicKeyFromPem(c.publicPem) },
    panelPem: p,
    centrePem: c,
  };
}
