/**
 * The panel's MQTT socket is built without mqtt.connect()'s transport table: connecting loads no
 * WebSocket or SOCKS code (about 8 MB of heap on a panel), and a plain mqtt:// URL still connects (the
 * TLS path is covered end to end in tls.test.ts).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");

describe("connectMqtt", () => {
  it("connects over TCP without loading mqtt.js's WebSocket and SOCKS transports", () => {
    const script = `
      import { createServer } from "node:net";
      import { createRequire } from "node:module";
      const { connectMqtt } = await import(${JSON.stringify(join(ROOT, "gateway/mqtt-stream.ts"))});
      const server = createServer((s) => { s.destroy(); server.close(); });
      await new Promise((r) => server.listen(0, "127.0.0.1", r));
      const c = connectMqtt("mqtt://127.0.0.1:" + server.address().port, { reconnectPeriod: 0, clientId: "t" });
      c.on("error", () => {});
      await new Promise((r) => server.once("close", r));
      c.end(true);
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify({ accepted: true, ws: loaded.some((k) => k.includes("/node_modules/ws/")), socks: loaded.some((k) => k.includes("/node_modules/socks/")) }));`;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 20_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ accepted: true, ws: false, socks: false });
  });

  it("a URL it does not build itself (ws://) still goes through mqtt.connect()", () => {
    const script = `
      import { createRequire } from "node:module";
      const { connectMqtt } = await import(${JSON.stringify(join(ROOT, "gateway/mqtt-stream.ts"))});
      const c = connectMqtt("ws://127.0.0.1:1/mqtt", { reconnectPeriod: 0, clientId: "t" });
      c.on("error", () => {});
      c.end(true);
      console.log(JSON.stringify({ ws: Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes("/node_modules/ws/")) }));`;
    const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 20_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ws: true });
  });
});
