/** A centre on disk for tests: PKI, store with registered panels, signer, broker certificates. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { privateKeyFromPem, publicKeyFromPem, type Signer } from "../../protocol/index.js";
import type { CategoryName } from "../../protocol/supervision.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { centreSigner, initCentre, issueCentreClient, provisionPanel, type CentreDir, type PanelBundle } from "../../simulator/centre/pki/provisioning.js";
import type { KeyAndCert } from "../../simulator/centre/pki/pki.js";

export interface FixturePanel {
  readonly bundle: PanelBundle;
  readonly signer: Signer;
  readonly tls: { key: string; cert: string; ca: string };
}

export interface CentreFixture {
  readonly dir: string;
  readonly centre: CentreDir;
  readonly signer: Signer;
  readonly centrePublic: { kid: string; key: ReturnType<typeof publicKeyFromPem> };
  readonly panels: Record<string, FixturePanel>;
  readonly receiverCert: KeyAndCert;
  /** A new connection to the shared store (each receiver gets its own, as separate processes would). */
  openStore(): CentreStore;
  cleanup(): void;
}

/**
 * `passwords: false` for tests whose panels log in with their TLS certificates only: each demo password is
 * an scrypt hash (about half of a panel's provisioning time), which a 100-panel fixture feels.
 */
export function makeCentre(panels: readonly { id: string; category?: CategoryName }[], now = Date.now(), opts: { readonly passwords?: boolean } = {}): CentreFixture {
  const dir = mkdtempSync(join(tmpdir(), "centre-test-"));
  const centre = initCentre(join(dir, "centre"), now);
  const store = CentreStore.open(centre.dbPath);
  const out: Record<string, FixturePanel> = {};
  for (const p of panels) {
    const pdir = join(dir, "panels", p.id);
    const bundle = provisionPanel(centre, store, { panel: p.id, category: p.category ?? "SP4", outDir: pdir, broker: "mqtt://127.0.0.1", password: opts.passwords ?? true, now });
    out[p.id] = {
      bundle,
      signer: { kid: bundle.kid, key: privateKeyFromPem(readFileSync(join(pdir, bundle.frameKey))) },
      tls: { key: readFileSync(join(pdir, bundle.clientKey), "utf8"), cert: readFileSync(join(pdir, bundle.clientCert), "utf8"), ca: bundle.caCert },
    };
  }
  const receiverCert = issueCentreClient(centre, store, "receiver", "r1", now);
  const first = Object.values(out)[0];
  store.close();
  const stores: CentreStore[] = [];
  return {
    dir,
    centre,
    signer: centreSigner(centre),
    centrePublic: { kid: centre.centreKid, key: publicKeyFromPem(first?.bundle.centre.publicKey ?? "") },
    panels: out,
    receiverCert,
    openStore() {
      const s = CentreStore.open(centre.dbPath);
      stores.push(s);
      return s;
    },
    cleanup() {
      for (const s of stores) s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
