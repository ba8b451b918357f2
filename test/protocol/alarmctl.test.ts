import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../protocol/cli/alarmctl.js";
import { captureIo } from "../support/capture-io.js";
import { publicKeyFromPem, privateKeyFromPem } from "../../protocol/index.js";

async function run(args: string[], stdin = ""): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(stdin);
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe("alarmctl", () => {
  const dir = mkdtempSync(join(tmpdir(), "alarmctl-"));

  it("keygen writes a PKCS#8 private and an SPKI public Ed25519 key", async () => {
    expect((await run(["keygen", "--out", dir])).code).toBe(0);
    expect(readFileSync(join(dir, "private.pem"), "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(readFileSync(join(dir, "public.pem"), "utf8")).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(privateKeyFromPem(readFileSync(join(dir, "private.pem"))).asymmetricKeyType).toBe("ed25519");
    expect(publicKeyFromPem(readFileSync(join(dir, "public.pem"))).asymmetricKeyType).toBe("ed25519");
  });

  it("example | encode | decode gives the example back", async () => {
    const ex = await run(["example"]);
    const enc = await run(["encode", "--key", join(dir, "private.pem"), "--kid", "panel-0001"], ex.out + ex.out);
    expect(enc.code).toBe(0);
    expect(enc.out.trim().split("\n")).toHaveLength(2);
    const dec = await run(["decode", "--pub", join(dir, "public.pem"), "--panel", "panel-0001", "--now", "now"], enc.out);
    expect(dec.code).toBe(0);
    expect(dec.out.trim().split("\n").map((l) => JSON.parse(l))).toEqual([JSON.parse(ex.out), JSON.parse(ex.out)]);
  });

  it("decode: bad lines give JSON errors naming their code on stderr, good lines still decode, exit 1", async () => {
    const ex = await run(["example"]);
    const good = (await run(["encode", "--key", join(dir, "private.pem"), "--kid", "k"], ex.out)).out.trim();
    const flipped = good.slice(0, -2) + (good.endsWith("00") ? "01" : "00");
    const dec = await run(["decode", "--pub", join(dir, "public.pem")], [good, "not hex", flipped, good + "00"].join("\n"));
    expect(dec.code).toBe(1);
    expect(dec.out.trim().split("\n")).toHaveLength(1);
    expect(dec.err.trim().split("\n").map((l) => JSON.parse(l))).toEqual([
      expect.objectContaining({ line: 2, error: "malformed" }),
      expect.objectContaining({ line: 3, error: "bad-signature" }),
      expect.objectContaining({ line: 4, error: "malformed" }),
    ]);
  });

  it("decode: --panel refuses another panel's frame, --now refuses a stale one", async () => {
    const ex = await run(["example"]);
    const enc = (await run(["encode", "--key", join(dir, "private.pem"), "--kid", "k"], ex.out)).out;
    expect(JSON.parse((await run(["decode", "--pub", join(dir, "public.pem"), "--panel", "other"], enc)).err)).toMatchObject({ error: "wrong-panel" });
    const late = JSON.parse(ex.out).sent + 40_001;
    expect(JSON.parse((await run(["decode", "--pub", join(dir, "public.pem"), "--now", String(late)], enc)).err)).toMatchObject({ error: "stale" });
  });

  it("encode: an invalid payload is refused with the field path, the rest still encodes", async () => {
    const ex = JSON.parse((await run(["example"])).out);
    const bad = JSON.stringify({ ...ex, events: [{ ...ex.events[0], zone: undefined }] });
    const r = await run(["encode", "--key", join(dir, "private.pem"), "--kid", "k"], `${bad}\n{not json\n${JSON.stringify(ex)}\n`);
    expect(r.code).toBe(1);
    expect(r.out.trim().split("\n")).toHaveLength(1);
    const errs = r.err.trim().split("\n").map((l) => JSON.parse(l));
    expect(errs[0]).toMatchObject({ line: 1, error: "malformed" });
    expect(errs[0].message).toMatch(/zone/);
    expect(errs[1]).toMatchObject({ line: 2, error: "malformed" });
  });

  it("a key file that is not Ed25519 is a bad-key error, not a crash", async () => {
    const r = await run(["decode", "--pub", join(dir, "private.pem")], "");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.err)).toMatchObject({ error: "bad-key" });
  });

  it("a key file that cannot be read is a usage error naming the file", async () => {
    const r = await run(["decode", "--pub", join(dir, "missing.pem")], "");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot read .*missing\.pem: ENOENT/);
  });

  it("usage errors exit 2 with one line naming what is wrong", async () => {
    expect((await run(["encode", "--kid", "k"])).code).toBe(2);
    const unknown = await run(["frobnicate"]);
    expect(unknown).toMatchObject({ code: 2, err: "alarmctl: unknown command 'frobnicate' (see --help)\n" });
    const flag = await run(["decode", "--bogus", "x"]);
    expect(flag.code).toBe(2);
    expect(flag.err.trim().split("\n")).toHaveLength(1);
    expect(flag.err).toMatch(/--bogus/);
    expect((await run(["example", "--pub", "x"])).err).toMatch(/example does not take --pub/);
    expect(existsSync(join(dir, "private.pem"))).toBe(true);
  });

  it("--help prints the usage to stdout and exits 0", async () => {
    const r = await run(["--help"]);
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(r.out).toMatch(/^usage: alarmctl/);
  });

  it("keygen never overwrites a key without --force", async () => {
    const before = readFileSync(join(dir, "private.pem"), "utf8");
    const r = await run(["keygen", "--out", dir]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/private\.pem exists; --force overwrites it/);
    expect(readFileSync(join(dir, "private.pem"), "utf8")).toBe(before);
    expect((await run(["keygen", "--out", dir, "--force"])).code).toBe(0);
    expect(readFileSync(join(dir, "private.pem"), "utf8")).not.toBe(before);
  });
});
