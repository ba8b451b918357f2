/**
 * The mqtt.js options a busy client tunes reach mqtt.js: its trace sink (`log`), which the centre's
 * receiver makes a no-op, and `reschedulePings`, which the receiver turns off so that a PUBACK does not
 * re-arm the keepalive timer (MQTT 3.1.1 §3.1.2.10: a client may send PINGREQ at any time).
 */
import { afterEach, describe, expect, it } from "vitest";
import { createMqttConnector, type MqttConnectorOptions } from "../../gateway/mqtt-connector.js";
import type { SessionOptions } from "../../gateway/transport.js";
import { TestBroker } from "./broker.js";
import { until } from "./until.js";

const session: SessionOptions = { clientId: "mo1", keepaliveS: 10, sessionExpiryS: 60, subscribe: "alarm/v1/mo1/down" };

const brokers: TestBroker[] = [];
afterEach(async () => {
  for (const b of brokers.splice(0)) await b.kill();
});

async function connectWith(mqtt: MqttConnectorOptions["mqtt"]): Promise<{ close: () => void; published: () => Promise<void> }> {
  const b = new TestBroker();
  brokers.push(b);
  await b.start();
  let up = false;
  const conn = createMqttConnector(mqtt ? { mqtt } : {})({ url: b.url, protocolVersion: 4 }, session, { up: () => (up = true), down: () => {}, message: () => {} });
  await until(() => up, 5000, "up");
  return {
    close: () => conn.close(true),
    published: () => new Promise<void>((resolve, reject) => conn.publish("alarm/v1/mo1/up", new Uint8Array(8), false, (e) => (e ? reject(e) : resolve()))),
  };
}

describe("mqtt.js connector: tunable options", () => {
  it("the trace sink given gets mqtt.js's lines, the PUBACK's among them", async () => {
    const lines: string[] = [];
    const c = await connectWith({ log: (...args: unknown[]) => void lines.push(String(args[0])) });
    const before = lines.length;
    await c.published();
    expect(lines.length).toBeGreaterThan(before);
    expect(lines.some((l) => l.includes("puback") || l.includes("_handlePacket"))).toBe(true);
    c.close();
  });

  it("without options the connector still connects and publishes (mqtt.js defaults)", async () => {
    const c = await connectWith(undefined);
    await expect(c.published()).resolves.toBeUndefined();
    c.close();
  });

  it("a PUBACK re-arms the keepalive timer by default, and not with reschedulePings off (the publish still acknowledged)", async () => {
    const rearmedAfterPublish = async (reschedulePings: boolean) => {
      const lines: string[] = [];
      const c = await connectWith({ reschedulePings, log: (...args: unknown[]) => void lines.push(String(args[0])) });
      const before = lines.length;
      await expect(c.published()).resolves.toBeUndefined();
      c.close();
      return lines.slice(before).some((l) => l.startsWith("_reschedulePing"));
    };
    expect(await rearmedAfterPublish(true)).toBe(true);
    expect(await rearmedAfterPublish(false)).toBe(false);
  });
});
