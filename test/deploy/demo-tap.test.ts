/**
 * `npm start -- --port N --keys-out DIR`: the README's live pipeline works against the demo. The printed
 * mosquitto_sub line's credentials let a tap read the uplink (mqtt.js here, so no mosquitto-clients
 * package is needed), and its frames as hex lines (`-F %x`) decode with `alarmctl decode --pub` and the
 * key the demo wrote: the burglary (Contact ID 134) is there.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { createInterface } from "node:readline";
import mqtt from "mqtt";
import { afterAll, describe, expect, it } from "vitest";
import { main as alarmctl } from "../../protocol/cli/alarmctl.js";
import { freePort } from "../../simulator/centre/broker/broker-mosquitto.js";

const dir = mkdtempSync(join(tmpdir(), "demo-tap-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm start with --port and --keys-out", () => {
  it("prints a mosquitto_sub | alarmctl decode line whose credentials and key decode the live alarm frame", async () => {
    const port = await freePort();
    const demo = spawn(process.execPath, ["--import", "tsx", "simulator/demo/demo.ts", "--port", String(port), "--keys-out", join(dir, "keys"), "--delays", "1500"], { stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise<number | null>((resolve) => demo.once("exit", resolve));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error("no mosquitto_sub line")), 20_000);
        createInterface({ input: demo.stdout! }).on("line", (l) => {
          if (l.includes("mosquitto_sub")) {
            clearTimeout(t);
            resolve(l);
          }
        });
      });
      const m = /-p (\d+) -i (\S+) -u (\S+) -P (\S+) -t '([^']+)' -F %x \| npx alarmctl decode --pub (\S+)/.exec(line);
      expect(m).not.toBeNull();
      const [, p, clientId, username, password, topic, pub] = m!;
      expect(Number(p)).toBe(port);
      const tap = await mqtt.connectAsync(`mqtt://127.0.0.1:${p}`, { clientId, username, password, protocolVersion: 4, reconnectPeriod: 0 });
      const hex: string[] = [];
      tap.on("message", (_t, payload) => hex.push(payload.toString("hex")));
      await tap.subscribeAsync(topic!, { qos: 0 });
      await exited;
      await tap.endAsync();
      let out = "";
      const stdout = new PassThrough();
      stdout.on("data", (d) => (out += d));
      const code = await alarmctl(["decode", "--pub", pub!], { stdin: Readable.from([hex.join("\n") + "\n"]), stdout, stderr: new PassThrough() });
      expect(code).toBe(0);
      const decoded = out.trim().split("\n").map((l) => JSON.parse(l) as { events?: { code: number; q: number }[] });
      expect(decoded.some((f) => f.events?.some((e) => e.code === 134 && e.q === 1))).toBe(true);
    } finally {
      demo.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });
});
