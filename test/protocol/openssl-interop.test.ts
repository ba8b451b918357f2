/**
 * Interop with an independent implementation: OpenSSL's Ed25519 over a Sig_structure that
 * a hand-written CBOR codec (mini-cbor.ts) builds. Both directions:
 *  - a frame made by protocol/ verifies with `openssl pkeyutl -verify -rawin`;
 *  - a frame assembled by hand and signed by `openssl pkeyutl -sign -rawin` is accepted by `alarmctl decode`.
 * Needs the openssl command (Debian package openssl; .ci/run installs it).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { privateKeyFromPem, sealUplink } from "../../protocol/index.js";
import { read, sigStructureBytes, write, type Mini } from "./mini-cbor.js";

const root = join(import.meta.dirname, "../..");
const vec = join(root, "test/vectors");
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "alarm-openssl-"));
  expect(spawnSync("openssl", ["version"]).status, "the openssl command is needed (apt-get install openssl)").toBe(0);
});

describe("independent check with OpenSSL and a hand-written CBOR codec", () => {
  it("a frame made by protocol/ verifies with openssl over the Sig_structure", () => {
    const now = Date.now();
    const frame = sealUplink(
      { v: 1, panel: "panel-0001", seq: 77, sent: now, events: [{ code: 130, q: 1, area: 1, zone: 4, at: now - 5 }] },
      { kid: "panel-0001", key: privateKeyFromPem(readFileSync(join(vec, "panel-0001.key.pem"))) },
    );
    const cose = read(frame) as { tag: number; value: Mini[] };
    expect(cose.tag).toBe(18);
    const [prot, unprot, payload, sig] = cose.value as [Uint8Array, Map<number, Mini>, Uint8Array, Uint8Array];
    expect(unprot.size).toBe(0);
    const hdr = read(prot) as Map<number, Mini>;
    expect(hdr.get(1)).toBe(-8);
    expect(Buffer.from(hdr.get(4) as Uint8Array).toString()).toBe("panel-0001");
    const body = read(payload) as Map<number, Mini>;
    expect(body.get(2)).toBe(77);
    writeFileSync(join(dir, "tbs.bin"), sigStructureBytes(prot, payload));
    writeFileSync(join(dir, "sig.bin"), sig);
    const out = execFileSync("openssl", ["pkeyutl", "-verify", "-pubin", "-inkey", join(vec, "panel-0001.pub.pem"), "-rawin", "-in", join(dir, "tbs.bin"), "-sigfile", join(dir, "sig.bin")]);
    expect(out.toString()).toMatch(/Signature Verified Successfully/);
  });

  it("a frame assembled by hand and signed by openssl is accepted by `alarmctl decode`", () => {
    const now = Date.now();
    const prot = write(new Map<number, Mini>([[1, -8], [4, new Uint8Array(Buffer.from("panel-0001"))]]));
    const payload = write(new Map<number, Mini>([[0, 1], [1, "panel-0001"], [2, 4242], [3, now], [4, [[120, 1, 3, 9, 250]]]]));
    writeFileSync(join(dir, "tbs2.bin"), sigStructureBytes(prot, payload));
    execFileSync("openssl", ["pkeyutl", "-sign", "-inkey", join(vec, "panel-0001.key.pem"), "-rawin", "-in", join(dir, "tbs2.bin"), "-out", join(dir, "sig2.bin")]);
    const sig = readFileSync(join(dir, "sig2.bin"));
    const frame = write({ tag: 18, value: [prot, new Map(), payload, new Uint8Array(sig)] });
    const r = spawnSync(process.execPath, [join(root, "bin/alarmctl.js"), "decode", "--pub", join(vec, "panel-0001.pub.pem"), "--panel", "panel-0001", "--now", String(now)], {
      input: frame.toString("hex") + "\n",
      env: { ...process.env, OPEN_ALARM_FROM_SOURCE: "1" }, // the source under test, not a dist/ built earlier
    });
    expect(r.stderr.toString()).toBe("");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout.toString())).toEqual({ v: 1, panel: "panel-0001", seq: 4242, sent: now, events: [{ code: 120, q: 1, area: 3, zone: 9, at: now - 250 }] });
  });
});
