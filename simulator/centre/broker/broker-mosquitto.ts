/**
 * Run a Mosquitto process for the centre: TLS with the centre's certificates, the CRL of revoked
 * certificates, and the dynamic-security plugin with roles written from acl.ts (mosquitto-dynsec.ts), so
 * a subscription a role may not hold is refused at SUBSCRIBE. `startMosquitto` writes everything to a
 * private temp dir (tests, benches); `launchMosquitto` runs a config alarm-provision wrote into a centre
 * directory. Mosquitto reads the CRL at start; a revoked client is cut off at once through $CONTROL
 * (dynsec-control.ts).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CentreError } from "../errors.js";
import { createCrl, type RevokedEntry } from "../pki/pki-crl.js";
import type { KeyAndCert } from "../pki/pki.js";
import { SHIPPED_CLIENTS, type AclClients } from "./acl-grants.js";
import { DYNSEC_FILE, mosquittoConf } from "./mosquitto-conf.js";
import { dynsecConfig } from "./mosquitto-dynsec.js";

export interface MosquittoOptions {
  readonly ca: KeyAndCert;
  /** The broker's server certificate (CN localhost, SAN 127.0.0.1). */
  readonly server: KeyAndCert;
  readonly revoked?: readonly RevokedEntry[];
  /** Receivers and operators (certificate CNs) to grant their topics; default receiver-1, receiver-2, operator-1. */
  readonly clients?: AclClients;
  /** Panel ids: each gets its literal role. */
  readonly panels?: readonly string[];
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

/** Started as root (CI containers), mosquitto drops to the "mosquitto" user, which cannot read a private dir. */
export const runningAsRoot = (): boolean => process.getuid?.() === 0;

export async function startMosquitto(o: MosquittoOptions): Promise<RunningMosquitto> {
  const dir = mkdtempSync(join(tmpdir(), "mosquitto-"));
  const port = o.port || (await freePort());
  writeFileSync(join(dir, "ca.cert.pem"), o.ca.certPem);
  writeFileSync(join(dir, "broker.cert.pem"), o.server.certPem);
  writeFileSync(join(dir, "broker.key.pem"), o.server.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, "crl.pem"), createCrl(o.ca, o.revoked ?? []));
  const clients = o.clients ?? SHIPPED_CLIENTS;
  writeFileSync(join(dir, DYNSEC_FILE), JSON.stringify(dynsecConfig({ ...clients, panels: o.panels ?? [] }), null, 2), { mode: 0o600 });
  writeFileSync(join(dir, "mosquitto.conf"), mosquittoConf({ dir, port, runAsRoot: runningAsRoot() }));
  const running = await launchMosquitto(join(dir, "mosquitto.conf"), port, o.bin);
  return { ...running, dir, close: () => running.close().then(() => rmSync(dir, { recursive: true, force: true })) };
}

/** Run mosquitto on a written config; resolves once it listens on `port`. */
export async function launchMosquitto(conf: string, port: number, bin = "mosquitto"): Promise<RunningMosquitto> {
  const env = { ...process.env, PATH: `${process.env.PATH ?? ""}:/usr/sbin:/usr/local/sbin` };
  const child = spawn(bin, ["-c", conf], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (d) => (out += d));
  child.stderr?.on("data", (d) => (out += d));
  try {
    await waitForPort(child, port, () => out);
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
  return {
    port,
    dir: conf,
    output: () => out,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
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
