/** A provisioned panel bundle written for tests (the files alarm-provision writes; certificates are placeholders). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export function writePanelBundle(dir: string, broker: string, keys: { readonly panelPrivatePem: string; readonly centrePublicPem: string }, panel = "d1"): void {
  writeFileSync(join(dir, "frame.key.pem"), keys.panelPrivatePem);
  writeFileSync(join(dir, "panel.cert.pem"), "CERT");
  writeFileSync(join(dir, "panel.key.pem"), "KEY");
  const bundle = {
    panel,
    kid: `${panel}-key`,
    category: "SP4",
    broker,
    caCert: "CA",
    clientCert: "panel.cert.pem",
    clientKey: "panel.key.pem",
    frameKey: "frame.key.pem",
    centre: { kid: "centre", publicKey: keys.centrePublicPem },
    username: panel,
    password: "pw",
  };
  writeFileSync(join(dir, "panel.json"), JSON.stringify(bundle));
}
