/**
 * Run a Mosquitto process with the shipped configuration (mosquitto/mosquitto.conf): TLS with the centre's
 * certificates, the CRL of revoked certificates, and the ACL written from acl.ts for the given centre
 * clients (mosquitto-acl.ts). Used by the tests, and by anyone who
 * wants the alarm path through a stock Debian broker. Mosquitto reads the CRL at start: restart it after
 * a revocation.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CentreError } from "../errors.js";
import { createCrl, type RevokedEntry } from "../pki/pki-crl.js";
import type { KeyAndCert } from "../pki/pki.js";
import { SHIPPED_CLIENTS, type AclClients } from "./acl-grants.js";
import { mosquittoAcl } from "./mosquitto-acl.js";

const SHIPPED = join(dirname(fileURLToPath(import.meta.url)), "mosquitto");

export interface MosquittoOptions {
  readonly ca: KeyAndCert;
  /** The broker's server certificate (CN localhost, SAN 127.0.0.1). */
  readonly server: KeyAndCert;
  readonly revoked?: readonly RevokedEntry[];
  /** Receivers and operators (certificate CNs) to grant their topics; default receiver-1, receiver-2, operator-1. */
  readonly clients?: AclClients;
  /** 0 or absent: a free loopback port. */
  readonly port?: number;
  /** The binary (default: `mosquitto` on PATH, else /usr/sbin/mosquitto as Debian installs it). */
  readonly bin?: string;
}

export interface RunningMosquitto {
  readonly port: number;
  readonly dir: string;
  /** What mosquitto wrote to stderr/stdout so far. */
  output(): string;
  close(): Promise<void>;
}

export async function startMosquitto(o: MosquittoOptions): Promise<RunningMosquitto> {
  const dir = mkdtempSync(join(tmpdir(), "mosquitto-"));
  const port = o.port || (await freePort());
  writeFileSync(join(dir, "ca.cert.pem"), o.ca.certPem);
  writeFileSync(join(dir, "broker.cert.pem"), o.server.certPem);
  writeFileSync(join(dir, "broker.key.pem"), o.server.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, "crl.pem"), createCrl(o.ca, o.revoked ?? []));
  writeFileSync(join(dir, "acl"), mosquittoAcl(o.clients ?? SHIPPED_CLIENTS));
  let conf = readFileSync(join(SHIPPED, "mosquitto.conf"), "utf8").replaceAll("@PORT@", String(port)).replaceAll("@DIR@", dir);
  // Started as root (CI containers), mosquitto drops to the "mosquitto" user, which cannot read this
  // private temp dir. Rather than make the key world-readable, keep the process's own user.
  if (process.getuid?.() === 0) conf += "\nuser root\n";
  writeFileSync(join(dir, "mosquitto.conf"), conf);

  const bin = o.bin ?? "mosquitto";
  const env = { ...process.env, PATH: `${process.env.PATH ?? ""}:/usr/sbin:/usr/local/sbin` };
  const child = spawn(bin, ["-c", join(dir, "mosquitto.conf")], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (out += d));
  try {
    await waitForPort(child, port, () => out);
  } catch (e) {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    port,
    dir,
    output: () => out,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill("SIGTERM");
      }),
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export function waitForPort(child: ChildProcess, port: number, output: () => string, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const give = Date.now() + timeoutMs;
    let done = false;
    child.once("error", (e: NodeJS.ErrnoException) => {
      done = true;
      reject(
        e.code === "ENOENT"
          ? new CentreError("bad-argument", "mosquitto is not installed: apt-get install -y mosquitto (Debian package; .ci/run installs it)")
          : e,
      );
    });
    child.once("exit", (code) => {
      if (done) return;
      done = true;
      reject(new CentreError("bad-argument", `mosquitto exited with ${code}: ${output()}`));
    });
    const probe = () => {
      if (done) return;
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        done = true;
        resolve();
      });
      s.once("error", () => {
        s.destroy();
        if (Date.now() > give) {
          done = true;
          reject(new CentreError("bad-argument", `mosquitto did not listen on ${port}: ${output()}`));
        } else setTimeout(probe, 25);
      });
    };
    probe();
  });
}
