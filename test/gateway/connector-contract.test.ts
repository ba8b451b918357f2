/**
 * The link port's contract, run against both implementations (mqtt.js over aedes on loopback, and the
 * simulator): `up` once connected and subscribed, messages with their retain flag, `down` at most
 * once when the broker goes away, nothing after close().
 */
import mqtt from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../protocol/clock.js";
import { mqttConnector } from "../../gateway/mqtt-connector.js";
import { SimBroker, simConnector } from "../../simulator/board/sim-connector.js";
import type { Connector, SessionOptions } from "../../gateway/transport.js";
import { TestBroker } from "./broker.js";
import { until } from "./until.js";

interface Rig {
  readonly url: string;
  readonly connector: Connector;
  /** Publish to a topic as another client would (QoS 1). */
  inject(topic: string, payload: Uint8Array, retain: boolean): Promise<void>;
  /** Topics the gateway side published to, in order. */
  seen(): string[];
  /** Whether the broker holds a retained message on `topic` (what a new subscriber would get). */
  retained(topic: string): Promise<string | undefined>;
  kill(): Promise<void>;
  close(): Promise<void>;
}

async function aedesRig(): Promise<Rig> {
  const b = new TestBroker();
  await b.start();
  const spy = mqtt.connect(b.url, { protocolVersion: 4, clientId: "spy", reconnectPeriod: 0 });
  const seen: string[] = [];
  spy.on("message", (topic) => topic.endsWith("/down") || seen.push(topic));
  await new Promise<void>((r) => spy.once("connect", () => spy.subscribe("alarm/v1/#", { qos: 1 }, () => r())));
  spy.on("error", () => {});
  return {
    url: b.url,
    connector: mqttConnector,
    inject: (topic, payload, retain) => new Promise((r) => spy.publish(topic, Buffer.from(payload), { qos: 1, retain }, () => r())),
    seen: () => seen,
    retained: async (topic) => {
      const c = mqtt.connect(b.url, { protocolVersion: 4, clientId: "late", reconnectPeriod: 0 });
      const got = await new Promise<string | undefined>((resolve) => {
        c.on("message", (_t, payload, packet) => packet.retain && resolve(payload.toString()));
        c.once("connect", () => c.subscribe(topic, { qos: 1 }, () => setTimeout(() => resolve(undefined), 200)));
      });
      await c.endAsync(true);
      return got;
    },
    kill: () => b.kill(),
    close: async () => {
      await spy.endAsync(true);
      await b.kill();
    },
  };
}

async function simRig(): Promise<Rig> {
  const b = new SimBroker("mqtt://sim:1883", systemClock);
  const seen: string[] = [];
  b.onPublish = (p) => seen.push(p.topic);
  return {
    url: b.url,
    connector: simConnector([b]),
    inject: async (topic, payload, retain) => b.deliver(topic, payload, retain),
    seen: () => seen,
    retained: async (topic) => {
      const v = b.retained.get(topic);
      return v === undefined ? undefined : String(v);
    },
    kill: async () => b.kill(),
    close: async () => {},
  };
}

const session: SessionOptions = {
  clientId: "cp1",
  keepaliveS: 10,
  sessionExpiryS: 60,
  will: { topic: "alarm/v1/cp1/status", payload: "offline" },
  subscribe: "alarm/v1/cp1/down",
};

const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});

for (const [name, make] of [
  ["mqtt.js over aedes", aedesRig],
  ["simulator", simRig],
] as const) {
  describe(`Connector contract: ${name}`, () => {
    it("reports up once subscribed, delivers messages with their retain flag, publishes QoS 1 with retain as asked", async () => {
      const rig = await make();
      rigs.push(rig);
      const events: string[] = [];
      const msgs: { topic: string; retain: boolean; bytes: number[] }[] = [];
      const conn = rig.connector({ url: rig.url }, session, {
        up: () => events.push("up"),
        down: (r) => events.push(`down:${r}`),
        message: (topic, payload, retain) => msgs.push({ topic, retain, bytes: [...payload] }),
      });
      await until(() => events.includes("up"), 5000, "up");
      await rig.inject("alarm/v1/cp1/down", new Uint8Array([1, 2, 3]), false);
      await until(() => msgs.length === 1, 5000, "message");
      expect(msgs[0]).toEqual({ topic: "alarm/v1/cp1/down", retain: false, bytes: [1, 2, 3] });
      conn.publish("alarm/v1/cp1/status", "online", true);
      conn.publish("alarm/v1/cp1/up", new Uint8Array([9]), false);
      await until(() => rig.seen().length >= 2, 5000, "published");
      expect(rig.seen().slice(0, 2)).toEqual(["alarm/v1/cp1/status", "alarm/v1/cp1/up"]);
      expect(await rig.retained("alarm/v1/cp1/status")).toBe("online");
      expect(await rig.retained("alarm/v1/cp1/up")).toBeUndefined();
      expect(events).toEqual(["up"]);
      conn.close(true);
    });

    it("reports down exactly once when the broker goes away, and nothing after close()", async () => {
      const rig = await make();
      rigs.push(rig);
      const events: string[] = [];
      rig.connector({ url: rig.url }, session, {
        up: () => events.push("up"),
        down: () => events.push("down"),
        message: () => {},
      });
      await until(() => events.includes("up"), 5000, "up");
      await rig.kill();
      await until(() => events.includes("down"), 5000, "down");
      await new Promise((r) => setTimeout(r, 100));
      expect(events).toEqual(["up", "down"]);
    });

    it("an ungraceful close leaves the retained Last Will (offline); a graceful one does not", async () => {
      const rig = await make();
      rigs.push(rig);
      let ups = 0;
      const h = { up: () => ups++, down: () => {}, message: () => {} };
      const a = rig.connector({ url: rig.url }, { ...session, clientId: "w1", will: { topic: "alarm/v1/w1/status", payload: "offline" } }, h);
      const b = rig.connector({ url: rig.url }, { ...session, clientId: "w2", will: { topic: "alarm/v1/w2/status", payload: "offline" } }, h);
      await until(() => ups === 2, 5000, "both up");
      a.close(false);
      b.close(true);
      await until(async () => (await rig.retained("alarm/v1/w1/status")) === "offline", 5000, "will published");
      expect(await rig.retained("alarm/v1/w2/status")).toBeUndefined();
    });

    it("subscribes to several wildcard filters in a clean session without a Will, and calls back on PUBACK", async () => {
      const rig = await make();
      rigs.push(rig);
      let up = false;
      const got: string[] = [];
      const conn = rig.connector(
        { url: rig.url, protocolVersion: 4 },
        { clientId: "receiver@c1", keepaliveS: 10, sessionExpiryS: 0, clean: true, subscribe: ["alarm/v1/+/up", "alarm/v1/+/status"] },
        { up: () => (up = true), down: () => {}, message: (topic) => got.push(topic) },
      );
      await until(() => up, 5000, "up");
      await rig.inject("alarm/v1/cp9/up", new Uint8Array([1]), false);
      await rig.inject("alarm/v1/cp9/status", new Uint8Array([2]), false);
      await rig.inject("alarm/v1/cp9/down", new Uint8Array([3]), false);
      await until(() => got.length >= 2, 5000, "messages");
      await new Promise((r) => setTimeout(r, 100));
      expect(got).toEqual(["alarm/v1/cp9/up", "alarm/v1/cp9/status"]);
      const acked: (Error | undefined)[] = [];
      conn.publish("alarm/v1/cp9/down", new Uint8Array([4]), false, (err) => acked.push(err));
      await until(() => acked.length === 1, 5000, "PUBACK");
      expect(acked).toEqual([undefined]);
      conn.close(false);
      // An ungraceful close of a session without a Will leaves no retained status behind.
      expect(await rig.retained("alarm/v1/c1/status")).toBeUndefined();
    });

    it("close() before or after connecting never reports down", async () => {
      const rig = await make();
      rigs.push(rig);
      const events: string[] = [];
      const h = { up: () => events.push("up"), down: () => events.push("down"), message: () => {} };
      rig.connector({ url: rig.url }, { ...session, clientId: "cp1:a" }, h).close(false);
      const c2 = rig.connector({ url: rig.url }, { ...session, clientId: "cp1:b" }, h);
      await until(() => events.includes("up"), 5000, "up");
      c2.close(true);
      await new Promise((r) => setTimeout(r, 100));
      expect(events).toEqual(["up"]);
    });
  });
}
