/** PKI and the provisioning command: certificates chain to the centre CA, bundles are complete, revocation bites. */
import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateKeyFromPem, publicKeyFromPem, sealUplink, openUplink } from "../../protocol/index.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { loadCentre, type PanelBundle } from "../../simulator/centre/pki/provisioning.js";
import { runProvision } from "../../simulator/centre/pki/provision.js";

let dir: string;
const lines: string[] = [];
const run = (...args: string[]) => runProvision(["--centre", join(dir, "centre"), ...args], (s) => lines.push(s));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "provision-test-"));
  run("--init");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("provisioning command", () => {
  it("issues a panel certificate signed by the centre CA (CN = panel id, OU = panel) and a complete bundle", () => {
    run("--panel", "H1", "--out", join(dir, "H1"), "--category", "SP5", "--broker", "mqtts://centre.example:8883");
    const bundle = JSON.parse(readFileSync(join(dir, "H1", "panel.json"), "utf8")) as PanelBundle;
    expect(bundle).toMatchObject({ panel: "H1", category: "SP5", broker: "mqtts://centre.example:8883", clientCert: "panel.cert.pem", clientKey: "panel.key.pem", frameKey: "frame.key.pem" });
    expect(bundle.password).toBeUndefined();
    const ca = new X509Certificate(bundle.caCert);
    const cert = new X509Certificate(readFileSync(join(dir, "H1", bundle.clientCert)));
    expect(cert.subject).toContain("CN=H1");
    expect(cert.subject).toContain("OU=panel");
    expect(cert.checkIssued(ca)).toBe(true);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(ca.ca).toBe(true);
    expect(existsSync(join(dir, "H1", bundle.clientKey))).toBe(true);
  });

  it("registers the panel's Ed25519 frame key: the centre verifies frames signed with the bundle's key", () => {
    const bundle = JSON.parse(readFileSync(join(dir, "H1", "panel.json"), "utf8")) as PanelBundle;
    const key = privateKeyFromPem(readFileSync(join(dir, "H1", bundle.frameKey)));
    const store = CentreStore.open(loadCentre(join(dir, "centre")).dbPath);
    const frame = sealUplink({ v: 1, panel: "H1", seq: 0, sent: 1, heartbeat: { areas: [], troubles: [], outbox: 0 } }, { kid: bundle.kid, key });
    expect(openUplink(frame, store.registry.keyRing(), { topicPanel: "H1" }).payload.seq).toBe(0);
    expect(store.registry.panel("H1")?.category).toBe("SP5");
    // The pinned centre key in the bundle is the centre's.
    expect(publicKeyFromPem(bundle.centre.publicKey).asymmetricKeyType).toBe("ed25519");
    store.close();
  });

  it("gives the broker a server certificate for localhost and 127.0.0.1", () => {
    const c = loadCentre(join(dir, "centre"));
    const server = new X509Certificate(c.server.certPem);
    expect(server.checkHost("localhost")).toBe("localhost");
    expect(server.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(server.verify(new X509Certificate(c.ca.certPem).publicKey)).toBe(true);
  });

  it("revocation marks the certificate revoked and retires the frame key", () => {
    run("--revoke", "H1");
    expect(lines.at(-1)).toBe("revoked H1: 1 certificate(s), 1 frame key(s)");
    const store = CentreStore.open(loadCentre(join(dir, "centre")).dbPath);
    const serial = new X509Certificate(readFileSync(join(dir, "H1", "panel.cert.pem"))).serialNumber;
    expect(store.registry.isCertificateRevoked(serial)).toBe(true);
    expect(store.registry.keyRing().lookup((JSON.parse(readFileSync(join(dir, "H1", "panel.json"), "utf8")) as PanelBundle).kid)).toBeUndefined();
    store.close();
  });

  it("refuses bad input with typed errors", () => {
    expect(() => run("--panel", "H1", "--out", join(dir, "again"))).toThrow(expect.objectContaining({ code: "already-exists" }));
    expect(() => run("--panel", "H2", "--out", join(dir, "H2"), "--category", "SP9")).toThrow(expect.objectContaining({ code: "bad-category" }));
    expect(() => run("--panel", "bad/id", "--out", join(dir, "x"))).toThrow(expect.objectContaining({ code: "bad-argument" }));
    expect(() => run("--revoke", "nobody")).toThrow(expect.objectContaining({ code: "unknown-panel" }));
    expect(() => run()).toThrow(expect.objectContaining({ code: "bad-argument" }));
    expect(() => runProvision(["--centre", join(dir, "missing-parent", "x"), "--panel", "H3"])).toThrow(expect.objectContaining({ code: "bad-argument" }));
  });
});
