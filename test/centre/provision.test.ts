/** PKI and the provisioning command: certificates chain to the centre CA, bundles are complete, revocation bites. */
import { X509Certificate } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateKeyFromPem, publicKeyFromPem, sealUplink, openUplink } from "../../protocol/index.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { loadCentre, type PanelBundle } from "../../simulator/centre/pki/provisioning.js";
import { runProvision } from "../../simulator/centre/cli/alarm-provision.js";

let dir: string;
const lines: string[] = [];
const run = (...args: string[]) => runProvision(["--centre", join(dir, "centre"), ...args], (s) => lines.push(s));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "provision-test-"));
  await run("--init", "--mqtt-port", "18883");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("provisioning command", () => {
  it("issues a panel certificate signed by the centre CA (CN = panel id, OU = panel) and a complete bundle", async () => {
    await run("--panel", "H1", "--out", join(dir, "H1"), "--category", "SP5", "--broker", "mqtts://centre.example:8883");
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

  it("revocation marks the certificate revoked and retires the frame key", async () => {
    await run("--revoke", "H1");
    expect(lines).toContain("revoked H1: 1 certificate(s), 1 frame key(s)");
    const store = CentreStore.open(loadCentre(join(dir, "centre")).dbPath);
    const serial = new X509Certificate(readFileSync(join(dir, "H1", "panel.cert.pem"))).serialNumber;
    expect(store.registry.isCertificateRevoked(serial)).toBe(true);
    expect(store.registry.keyRing().lookup((JSON.parse(readFileSync(join(dir, "H1", "panel.json"), "utf8")) as PanelBundle).kid)).toBeUndefined();
    store.close();
  });

  it("--reissue: a registered panel gets a new bundle; the old certificate and frame key are revoked, the new ones valid, its category kept", async () => {
    await run("--panel", "R1", "--out", join(dir, "R1"), "--category", "SP6", "--broker", "mqtts://wrong.example:8883");
    const old = JSON.parse(readFileSync(join(dir, "R1", "panel.json"), "utf8")) as PanelBundle;
    const oldSerial = new X509Certificate(readFileSync(join(dir, "R1", "panel.cert.pem"))).serialNumber;
    await expect(run("--panel", "R1", "--out", join(dir, "R1-again"))).rejects.toMatchObject({ code: "already-exists", message: expect.stringContaining("--reissue") });
    await expect(run("--panel", "R1", "--out", join(dir, "R1"), "--reissue", "--broker", "mqtts://centre.example:8883")).rejects.toMatchObject({ code: "already-exists" }); // key files there: --force
    await run("--panel", "R1", "--out", join(dir, "R1"), "--reissue", "--force", "--broker", "mqtts://centre.example:8883");
    expect(lines.at(-2)).toMatch(/^reissued panel R1 \(kid [0-9a-f]{12}, SP6\)/);
    const fresh = JSON.parse(readFileSync(join(dir, "R1", "panel.json"), "utf8")) as PanelBundle;
    expect(fresh).toMatchObject({ panel: "R1", category: "SP6", broker: "mqtts://centre.example:8883" });
    expect(fresh.kid).not.toBe(old.kid);
    const store = CentreStore.open(loadCentre(join(dir, "centre")).dbPath);
    try {
      expect(store.registry.isCertificateRevoked(oldSerial)).toBe(true);
      expect(store.registry.isCertificateRevoked(new X509Certificate(readFileSync(join(dir, "R1", "panel.cert.pem"))).serialNumber)).toBe(false);
      expect(store.registry.keyRing().lookup(old.kid)).toBeUndefined();
      const frame = sealUplink({ v: 1, panel: "R1", seq: 0, sent: 1, heartbeat: { areas: [], troubles: [], outbox: 0 } }, { kid: fresh.kid, key: privateKeyFromPem(readFileSync(join(dir, "R1", fresh.frameKey))) });
      expect(openUplink(frame, store.registry.keyRing(), { topicPanel: "R1" }).payload.seq).toBe(0);
    } finally {
      store.close();
    }
    await expect(run("--panel", "NEW1", "--out", join(dir, "NEW1"), "--reissue")).rejects.toMatchObject({ code: "unknown-panel" });
    await expect(run("--panel", "R1", "--out", join(dir, "R1"), "--reissue", "--force", "--category", "SP4")).rejects.toMatchObject({ name: "UsageError" });
    await expect(run("--reissue")).rejects.toMatchObject({ name: "UsageError" });
  });

  it("refuses bad input with typed errors", async () => {
    await expect(run("--panel", "H1", "--out", join(dir, "again"))).rejects.toMatchObject({ code: "already-exists" });
    await expect(run("--panel", "H2", "--out", join(dir, "H2"), "--category", "SP9")).rejects.toMatchObject({ code: "bad-category" });
    await expect(run("--panel", "bad/id", "--out", join(dir, "x"))).rejects.toMatchObject({ code: "bad-argument" });
    await expect(run("--revoke", "nobody")).rejects.toMatchObject({ code: "unknown-panel" });
    await expect(run("--revoke", "H1")).rejects.toMatchObject({ code: "bad-state", message: expect.stringContaining("H1 is revoked already") }); // revoked above
    await expect(run()).rejects.toMatchObject({ code: "bad-argument" });
    await expect(runProvision(["--centre", join(dir, "missing-parent", "x"), "--panel", "H3", "--out", join(dir, "H3")])).rejects.toMatchObject({ code: "bad-argument" });
  });

  it("refuses a panel named like a centre client or the dynamic-security admin (the CN is the Mosquitto username)", async () => {
    await expect(run("--panel", "receiver-1", "--out", join(dir, "r1"))).rejects.toThrow(/receiver-1 is the name of a receiver/);
    await expect(run("--panel", "dynsec-admin", "--out", join(dir, "adm"))).rejects.toThrow(/dynamic-security admin/);
    await expect(run("--client", "operator", "--name", "H1", "--out", join(dir, "op"))).rejects.toThrow(/H1 is the name of a panel/);
  });

  it("--server-name puts the names panels use into the broker certificate, with localhost kept", async () => {
    await runProvision(["--centre", join(dir, "named"), "--init", "--server-name", "centre.example", "--server-name", "192.0.2.7"], () => undefined);
    const server = new X509Certificate(loadCentre(join(dir, "named")).server.certPem);
    expect(server.checkHost("centre.example")).toBe("centre.example");
    expect(server.checkIP("192.0.2.7")).toBe("192.0.2.7");
    expect(server.checkHost("localhost")).toBe("localhost");
    expect(server.checkHost("other.example")).toBeUndefined();
    await expect(runProvision(["--centre", join(dir, "named"), "--init", "--server-name", "x.example"], () => undefined)).rejects.toMatchObject({ code: "already-exists" });
  });

  it("refuses a centre directory that does not exist unless --init, and creates nothing", async () => {
    const missing = join(dir, "no-centre");
    await expect(runProvision(["--centre", missing, "--crl"])).rejects.toThrow(/does not exist \(--init creates/);
    expect(existsSync(missing)).toBe(false);
  });

  it("never overwrites a bundle's keys without --force", async () => {
    await run("--panel", "K1", "--out", join(dir, "K"));
    const before = readFileSync(join(dir, "K", "frame.key.pem"), "utf8");
    await expect(run("--panel", "K2", "--out", join(dir, "K"))).rejects.toMatchObject({ code: "already-exists" });
    expect(readFileSync(join(dir, "K", "frame.key.pem"), "utf8")).toBe(before);
    await run("--panel", "K2", "--out", join(dir, "K"), "--force");
    expect(readFileSync(join(dir, "K", "frame.key.pem"), "utf8")).not.toBe(before);
    expect(JSON.parse(readFileSync(join(dir, "K", "panel.json"), "utf8")).panel).toBe("K2");
  });

  it("writes the panel's public frame key next to its bundle: it verifies the panel's frames", async () => {
    await run("--panel", "P1", "--out", join(dir, "P1"));
    const bundle = JSON.parse(readFileSync(join(dir, "P1", "panel.json"), "utf8")) as PanelBundle;
    const frame = sealUplink({ v: 1, panel: "P1", seq: 3, sent: 1, heartbeat: { areas: [], troubles: [], outbox: 0 } }, { kid: bundle.kid, key: privateKeyFromPem(readFileSync(join(dir, "P1", "frame.key.pem"))) });
    const pub = publicKeyFromPem(readFileSync(join(dir, "P1", "frame.pub.pem")));
    expect(openUplink(frame, { lookup: (kid: string) => (kid === bundle.kid ? { panel: "P1", key: pub } : undefined) } as never, { topicPanel: "P1" }).payload.seq).toBe(3);
  });

  it("writes a ready mosquitto.conf (real paths and port, no placeholder), the CRL and a dynamic-security role per panel", async () => {
    const c = join(dir, "centre");
    const conf = readFileSync(join(c, "mosquitto.conf"), "utf8");
    expect(conf).not.toMatch(/@[A-Z]+@/);
    expect(conf).toContain("listener 18883 127.0.0.1");
    expect(conf).toContain(`crlfile ${join(c, "crl.pem")}`);
    expect(conf).toContain(`plugin_opt_config_file ${join(c, "dynamic-security.json")}`);
    expect(new X509Certificate(readFileSync(join(c, "ca.cert.pem"))).subject).toContain("Open Alarm Centre CA");
    expect(readFileSync(join(c, "crl.pem"), "utf8")).toMatch(/^-----BEGIN X509 CRL-----/);
    const dynsec = JSON.parse(readFileSync(join(c, "dynamic-security.json"), "utf8")) as { clients: { username: string; roles: { rolename: string }[]; disabled?: boolean }[] };
    expect(dynsec.clients.find((x) => x.username === "P1")?.roles).toEqual([{ rolename: "panel-P1" }]);
    // H1 was revoked above: listed, disabled, no role.
    expect(dynsec.clients.find((x) => x.username === "H1")).toMatchObject({ disabled: true, roles: [] });
  });

  it("renews the CRL with the validity asked for and warns before it lapses", async () => {
    const warned: string[] = [];
    const { provision } = await import("../../simulator/centre/cli/alarm-provision.js");
    await provision({ centre: join(dir, "centre"), crl: true, "crl-days": "2" } as never, () => undefined, (w) => warned.push(w));
    expect(warned).toEqual([]);
    const { crlNextUpdate, crlWarning } = await import("../../simulator/centre/broker/broker-files.js");
    const c = loadCentre(join(dir, "centre"));
    const next = crlNextUpdate(c)!;
    expect(crlWarning(c, next - 3 * 86_400_000, 2)).toBeUndefined();
    expect(crlWarning(c, next - 86_400_000, 2)).toMatch(/crl.pem lapses at/);
    expect(crlWarning(c, next + 1000, 2)).toMatch(/crl.pem lapsed at/);
  });
});
