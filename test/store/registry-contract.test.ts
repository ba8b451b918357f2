/**
 * The registry's provisioning side, one contract on both stores: certificates and their revocation (what
 * the CRL, the broker files and the embedded broker's revoked set are made from), panel enrolment in one
 * transaction, and the plain-TCP demo passwords. Two connections stand for provisioning and the centre.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { PanelEnrolment } from "../../simulator/centre/store-pg/port.js";
import { STORE_KINDS, useTwoReceivers } from "../support/centre-stores.js";

const T0 = Date.UTC(2026, 0, 1);
const PEM = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n";
const enrolment = (panel: string, serial: string, kid: string): PanelEnrolment => ({ panel, category: "SP4", serial, kid, publicPem: PEM, at: T0 });

describe.each(STORE_KINDS)("centre registry contract: certificates and passwords (%s)", (kind) => {
  const rx = useTwoReceivers(kind);

  it("enrolment registers the panel, its certificate and its frame key together", async () => {
    await rx.a.registry.enrolPanel(enrolment("P1", "0A1B", "kid-1"));
    expect(await rx.b.registry.panel("P1")).toMatchObject({ panel: "P1", category: "SP4", createdAt: T0 });
    expect(await rx.b.registry.frameKey("kid-1")).toEqual({ panel: "P1", publicPem: PEM });
    expect(await rx.b.registry.certificateHolders()).toEqual([{ subject: "P1", role: "panel", revoked: false }]);
    expect(await rx.b.registry.isCertificateRevoked("0a1b")).toBe(false);
  });

  it("a panel is retired once every frame key it had is revoked, and not once it has a new one", async () => {
    await rx.a.registry.addPanel("P0", "SP4", T0); // never had a key: not retired (registered, keys to come)
    await rx.a.registry.enrolPanel(enrolment("P1", "01", "kid-1"));
    expect((await rx.b.registry.panels()).map((p) => [p.panel, p.retired])).toEqual([["P0", false], ["P1", false]]);
    await rx.a.registry.revoke("P1", T0 + 1);
    expect(await rx.b.registry.panel("P1")).toMatchObject({ retired: true });
    await rx.a.registry.addFrameKey("kid-2", "P1", PEM, T0 + 2);
    expect(await rx.b.registry.panel("P1")).toMatchObject({ retired: false });
    expect((await rx.b.registry.panels()).every((p) => p.retired === false)).toBe(true);
  });

  it("enrolling a panel twice is already-exists and writes nothing of the second", async () => {
    await rx.a.registry.enrolPanel(enrolment("P1", "01", "kid-1"));
    await expect(rx.b.registry.enrolPanel(enrolment("P1", "02", "kid-2"))).rejects.toMatchObject({ code: "already-exists" });
    expect(await rx.a.registry.frameKey("kid-2")).toBeUndefined();
    expect(await rx.a.registry.isCertificateRevoked("02")).toBe(false);
    await rx.a.registry.revoke("P1", T0 + 1);
    expect((await rx.a.registry.revokedCertificates()).map((r) => r.serial)).toEqual(["01"]);
  });

  it("an enrolment that fails half-way (a frame key id in use) leaves no panel behind", async () => {
    await rx.a.registry.enrolPanel(enrolment("P1", "01", "kid-1"));
    await expect(rx.b.registry.enrolPanel(enrolment("P2", "02", "kid-1"))).rejects.toMatchObject({ code: "store-failed" });
    expect(await rx.a.registry.panel("P2")).toBeUndefined();
    expect(await rx.a.registry.certificateHolders()).toEqual([{ subject: "P1", role: "panel", revoked: false }]);
  });

  it("a revoked serial is revoked in any case of hex, through every connection; the others are not", async () => {
    await rx.a.registry.addCertificate("ABCDEF01", "receiver-1", "receiver", T0);
    await rx.a.registry.addCertificate("abcdef02", "op-1", "operator", T0);
    expect(await rx.b.registry.isCertificateRevoked("ABCDEF01")).toBe(false);
    expect(await rx.b.registry.revoke("receiver-1", T0 + 5)).toEqual({ certificates: 1, keys: 0 });
    expect(await rx.b.registry.isCertificateRevoked("abcdef01")).toBe(true);
    expect(await rx.a.registry.isCertificateRevoked("ABCDEF01")).toBe(true);
    expect(await rx.a.registry.isCertificateRevoked("ABCDEF02")).toBe(false);
    expect(await rx.a.registry.isCertificateRevoked("ffff")).toBe(false);
    expect(await rx.a.registry.revokedCertificates()).toEqual([{ serial: "abcdef01", at: T0 + 5 }]);
  });

  it("revocations are listed oldest first; a second revoke of the same subject changes nothing", async () => {
    await rx.a.registry.addCertificate("03", "x", "receiver", T0);
    await rx.a.registry.addCertificate("04", "y", "receiver", T0);
    await rx.a.registry.revoke("y", T0 + 1);
    await rx.a.registry.revoke("x", T0 + 2);
    expect(await rx.b.registry.revoke("x", T0 + 3)).toEqual({ certificates: 0, keys: 0 });
    expect(await rx.b.registry.revokedCertificates()).toEqual([
      { serial: "04", at: T0 + 1 },
      { serial: "03", at: T0 + 2 },
    ]);
  });

  it("holders by subject and role: revoked only once every certificate of the subject is", async () => {
    await rx.a.registry.addCertificate("10", "receiver-1", "receiver", T0);
    await rx.a.registry.addCertificate("11", "receiver-1", "receiver", T0);
    await rx.a.registry.addCertificate("12", "Zed", "operator", T0);
    await rx.a.registry.addCertificate("13", "alpha", "operator", T0);
    await rx.a.registry.enrolPanel(enrolment("P1", "14", "kid-1"));
    await rx.a.registry.revoke("Zed", T0 + 1);
    // Byte order ("P1" < "Zed" < "alpha" < "receiver-1"), as SQLite sorts, whatever PostgreSQL's locale.
    expect(await rx.b.registry.certificateHolders()).toEqual([
      { subject: "P1", role: "panel", revoked: false },
      { subject: "Zed", role: "operator", revoked: true },
      { subject: "alpha", role: "operator", revoked: false },
      { subject: "receiver-1", role: "receiver", revoked: false },
    ]);
  });

  describe("demo passwords", () => {
    beforeEach(() => rx.a.registry.enrolPanel(enrolment("P1", "01", "kid-1"), "s3cret"));

    it("the password given at enrolment logs in, through another connection; a wrong one does not", async () => {
      expect(await rx.b.registry.checkPassword("P1", "s3cret")).toBe(true);
      expect(await rx.b.registry.checkPassword("P1", "s3cres")).toBe(false);
      expect(await rx.b.registry.checkPassword("P1", "")).toBe(false);
      expect(await rx.b.registry.checkPassword("P9", "s3cret")).toBe(false);
    });

    it("a new password replaces the old; an unknown panel is unknown-panel", async () => {
      await rx.b.registry.setPassword("P1", "other");
      expect(await rx.a.registry.checkPassword("P1", "s3cret")).toBe(false);
      expect(await rx.a.registry.checkPassword("P1", "other")).toBe(true);
      await expect(rx.a.registry.setPassword("P9", "x")).rejects.toMatchObject({ code: "unknown-panel" });
    });

    it("revoking the panel removes its password", async () => {
      await rx.b.registry.revoke("P1", T0 + 1);
      expect(await rx.a.registry.checkPassword("P1", "s3cret")).toBe(false);
    });

    it("a panel enrolled without a password has none", async () => {
      await rx.a.registry.enrolPanel(enrolment("P2", "02", "kid-2"));
      expect(await rx.b.registry.checkPassword("P2", "")).toBe(false);
      expect(await rx.b.registry.checkPassword("P2", "s3cret")).toBe(false);
    });
  });
});
