/**
 * Revocation in alarm-centre's embedded broker on the default SQLite store: a revoked certificate is
 * refused at its next connect at once (the same-turn file lookup, as before the reloaded set existed),
 * its open session is cut at the first reload after the revocation and not before, and a serial listed
 * only in DIR/crl.pem (e.g. a CRL brought from elsewhere) is refused from the reload after the file changed.
 * The reload runs on a FakeClock handed to the command's main(); the same with the broker on its own thread
 * (the default: the thread's reload timer runs on that clock) and on the receivers' (--broker-in-process).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import type { ServiceLogger } from "../../protocol/cli/log.js";
import { freePort } from "../../simulator/centre/broker/broker-mosquitto.js";
import { main as centreMain } from "../../simulator/centre/cli/alarm-centre.js";
import { main as provisionMain } from "../../simulator/centre/cli/alarm-provision.js";
import { loadCentre } from "../../simulator/centre/pki/provisioning.js";
import { createCrl } from "../../simulator/centre/pki/pki-crl.js";
import { captureIo } from "../support/capture-io.js";

const PERIOD = 1_000;
let dir: string;
let port: number;
const centre = () => join(dir, "centre");

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "centre-revocation-"));
  port = await freePort();
  const panels = ["R1", "R2", "R1i", "R2i"].map((id) => ["--panel", id, "--out", join(dir, id)]);
  for (const args of [["--init"], ...panels]) {
    const io = captureIo();
    expect(await provisionMain(["--centre", centre(), ...args], io)).toBe(0);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const until = async (what: () => boolean) => {
  while (!what()) await new Promise((r) => setTimeout(r, 20));
};

/** Connect with panel `id`'s certificate: the client, or how the attempt ended. */
function connectAs(id: string): Promise<MqttClient | string> {
  const b = join(dir, id);
  const c = mqtt.connect(`mqtts://localhost:${port}`, {
    clientId: id,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ca: readFileSync(join(centre(), "ca.cert.pem")),
    cert: readFileSync(join(b, "panel.cert.pem")),
    key: readFileSync(join(b, "panel.key.pem")),
  });
  return new Promise((resolve) => {
    c.once("connect", () => resolve(c));
    c.once("error", (e) => resolve(`error: ${e.message}`));
    c.once("close", () => resolve("closed"));
  });
}

// The broker on its own thread (the default), and on the receivers' thread (--broker-in-process), each with its own two panels.
describe.each([
  { broker: "its own thread", flags: [] as string[], R1: "R1", R2: "R2" },
  { broker: "the receivers' thread", flags: ["--broker-in-process"], R1: "R1i", R2: "R2i" },
])("alarm-centre revocation on SQLite, the broker on $broker", ({ flags, R1, R2 }) => {
  it("refused at the next connect at once; the open session cut at the first reload; a crl.pem-only serial from the reload after", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger: ServiceLogger = { log: (level, msg, f) => void lines.push({ level, msg, ...f }), child: () => logger, flush: () => {} };
    const clock = new FakeClock();
    let stop: (why: string) => void = () => {};
    const exited = centreMain(["--centre", centre(), "--mqtt", `127.0.0.1:${port}`, "--http", "127.0.0.1:0", "--metrics", "127.0.0.1:0", "--revocation-period", String(PERIOD), ...flags], captureIo(), {
      logger,
      stopSignal: new Promise((r) => (stop = r)),
      revocationClock: clock,
    });
    const cut = () => lines.filter((l) => l.msg === "broker: client with a revoked certificate disconnected").map((l) => l.clientId);
    try {
      await until(() => lines.some((l) => l.msg === "centre running"));
      expect(lines.find((l) => l.msg === "centre store")).toMatchObject({ kind: "sqlite" });
      const r1 = await connectAs(R1);
      const r2 = await connectAs(R2);
      expect(typeof r1).not.toBe("string");
      expect(typeof r2).not.toBe("string");

      expect(await provisionMain(["--centre", centre(), "--revoke", R1], captureIo())).toBe(0);
      expect(await connectAs(R1)).toBe("error: Connection refused: Not authorized"); // at once: no reload has run
      clock.advance(PERIOD - 1);
      expect(cut()).toEqual([]);
      expect((r1 as MqttClient).connected).toBe(true);
      clock.advance(1);
      await until(() => cut().length === 1);
      expect(cut()).toEqual([R1]);

      // R2 is revoked in a CRL written by hand, not in the store.
      const c = loadCentre(centre());
      const serial = new X509Certificate(readFileSync(join(dir, R2, "panel.cert.pem"))).serialNumber.toLowerCase();
      writeFileSync(join(centre(), "crl.pem"), createCrl(c.ca, [{ serial, at: Date.now() }]));
      clock.advance(PERIOD);
      await until(() => cut().length === 2);
      expect(cut()).toEqual([R1, R2]);
      expect(await connectAs(R2)).toBe("error: Connection refused: Not authorized");
    } finally {
      stop("test over");
    }
    expect(await exited).toBe(0);
  }, 60_000);
});
