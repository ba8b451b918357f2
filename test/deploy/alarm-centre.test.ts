/**
 * The centre command as an installer runs it: alarm-provision makes the centre directory and a panel
 * bundle and an operator login; alarm-centre serves it; the panel (mqtt.js with the bundle's certificate and
 * frame key) reports a burglary, which is stored, ACKed, queued for operators (behind their login) and
 * counted in /metrics; SIGTERM stops it, exit 0.
 * Once with the embedded broker on TLS, once through Mosquitto with the generated config.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { privateKeyFromPem, publicKeyFromPem } from "../../protocol/index.js";
import { freePort, launchMosquitto } from "../../simulator/centre/broker/broker-mosquitto.js";
import type { PanelBundle } from "../../simulator/centre/pki/provisioning.js";
import { TestPanel, burglary } from "../centre/test-panel.js";
import { runBin, startCentreProcess } from "./centre-process.js";
import { login as postLogin, withToken } from "../support/services-http.js";

let dir: string;
const centre = () => join(dir, "centre");

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "alarm-centre-test-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function provision(...args: string[]): void {
  const r = runBin("alarm-provision", ["--centre", centre(), ...args], { input: "queue-operator-pass\n" });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
}

async function panelFrom(out: string, url: string, protocolVersion: 4 | 5): Promise<TestPanel> {
  const b = JSON.parse(readFileSync(join(out, "panel.json"), "utf8")) as PanelBundle;
  return TestPanel.connect({
    url,
    panel: b.panel,
    signer: { kid: b.kid, key: privateKeyFromPem(readFileSync(join(out, b.frameKey))) },
    centre: { kid: b.centre.kid, key: publicKeyFromPem(b.centre.publicKey) },
    connect: { key: readFileSync(join(out, b.clientKey)), cert: readFileSync(join(out, b.clientCert)), ca: b.caCert, protocolVersion },
  });
}

async function metrics(port: unknown): Promise<string> {
  return (await fetch(`http://127.0.0.1:${String(port)}/metrics`)).text();
}

describe("alarm-centre", () => {
  it("with the embedded broker on TLS: a provisioned panel's alarm is stored, ACKed, queued and counted; SIGTERM exits 0 with the panel still connected", async () => {
    provision("--init");
    provision("--panel", "E1", "--out", join(dir, "E1"));
    provision("--add-operator", "olga", "--role", "operator");
    const c = startCentreProcess(["--centre", centre(), "--mqtt", "127.0.0.1:0", "--http", "127.0.0.1:0", "--metrics", "127.0.0.1:0", "--gap-grace", "5000"]);
    let p: TestPanel | undefined;
    try {
      const listening = await c.line("broker listening");
      expect(listening.plain).toBeUndefined(); // no plain TCP unless asked for
      const running = await c.line("centre running");
      const port = String(listening.tls).split(":").at(-1);
      p = await panelFrom(join(dir, "E1"), `mqtts://localhost:${port}`, 4);
      const seq = await p.deliver(burglary(3, Date.now()));
      expect(p.acked.has(seq)).toBe(true);
      const base = `http://${String(running.http)}`;
      expect((await fetch(`${base}/api/alarms`)).status).toBe(401);
      const login = await postLogin(base, "olga", "queue-operator-pass");
      const { token } = (await login.json()) as { token: string };
      const alarms = (await (await withToken(base, token, "GET", "/api/alarms")).json()) as { panel: string }[];
      expect(alarms.map((a) => a.panel)).toEqual(["E1"]);
      const text = await metrics(String(running.metrics).split(":")[1]!.split("/")[0]);
      expect(text).toMatch(/alarm_centre_frames_stored_total\{receiver="receiver-1"\} 1/);
      expect(text).toMatch(/alarm_centre_open_alarms 1/);
      expect(text).toMatch(/alarm_centre_ack_latency_seconds_count 1/);
      expect(c.lines.some((l) => l.msg === "stored" && l.panel === "E1" && l.seq === seq)).toBe(true);
    } finally {
      // The panel stays connected: stopping must not wait for it to hang up.
      expect(await c.stop()).toBe(0);
      await p?.client.endAsync(true);
    }
    expect(c.lines.at(-1)?.msg).toBe("stopped");
  });

  it("plain TCP only when asked for: --plain-port takes a panel's provisioned password; without it there is no plain listener", async () => {
    provision("--panel", "W1", "--out", join(dir, "W1"), "--password");
    const port = await freePort();
    const c = startCentreProcess(["--centre", centre(), "--mqtt", "127.0.0.1:0", "--plain-port", String(port), "--http", "127.0.0.1:0", "--metrics", "127.0.0.1:0"]);
    try {
      expect((await c.line("broker listening")).plain).toBe(`127.0.0.1:${port}`);
      await c.line("centre running");
      const b = JSON.parse(readFileSync(join(dir, "W1", "panel.json"), "utf8")) as PanelBundle;
      const p = await TestPanel.connect({
        url: `mqtt://127.0.0.1:${port}`,
        panel: "W1",
        signer: { kid: b.kid, key: privateKeyFromPem(readFileSync(join(dir, "W1", b.frameKey))) },
        centre: { kid: b.centre.kid, key: publicKeyFromPem(b.centre.publicKey) },
        connect: { username: b.username!, password: b.password!, protocolVersion: 4 },
      });
      const seq = await p.deliver(burglary(1, Date.now()));
      expect(p.acked.has(seq)).toBe(true);
      await p.close();
    } finally {
      expect(await c.stop()).toBe(0);
    }
  });

  it("through Mosquitto with the generated mosquitto.conf: the same alarm path; SIGTERM exits 0", async () => {
    const port = await freePort();
    provision("--mqtt-port", String(port), "--receivers", "2");
    provision("--panel", "M1", "--out", join(dir, "M1"));
    const mosquitto = await launchMosquitto(join(centre(), "mosquitto.conf"), port);
    const c = startCentreProcess(["--centre", centre(), "--broker", `mqtts://localhost:${port}`, "--receivers", "2", "--http", "127.0.0.1:0", "--metrics", "127.0.0.1:0"]);
    try {
      await c.line("centre running");
      const p = await panelFrom(join(dir, "M1"), `mqtts://localhost:${port}`, 5);
      const seq = await p.deliver(burglary(4, Date.now()));
      expect(p.acked.has(seq)).toBe(true);
      await p.close();
      expect(c.lines.filter((l) => l.msg === "stored" && l.panel === "M1").length).toBe(1);
    } finally {
      expect(await c.stop()).toBe(0);
      await mosquitto.close();
    }
  });
});
