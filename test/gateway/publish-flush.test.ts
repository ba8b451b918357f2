/**
 * An uplink frame leaves as it is published: the outbox commit comes first, then the frame on the wire,
 * and only then whatever else the panel's step does (its own state commit, an fsync). mqtt.js corks the
 * socket for each packet until the next tick; the link path flushes after every frame.
 */
import type { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import { LinkPath } from "../../gateway/link-path.js";
import { createMqttConnector } from "../../gateway/mqtt-connector.js";
import type { Connection, Connector, SessionOptions } from "../../gateway/transport.js";
import { TestBroker } from "./broker.js";
import { until } from "./until.js";

const session: SessionOptions = { clientId: "fp1", keepaliveS: 10, sessionExpiryS: 60, subscribe: "alarm/v1/fp1/down" };

const brokers: TestBroker[] = [];
afterEach(async () => {
  for (const b of brokers.splice(0)) await b.kill();
});

describe("mqtt.js connector: flush", () => {
  it("a published frame waits in the corked socket until flush(), which hands it to the operating system at once", async () => {
    const b = new TestBroker();
    brokers.push(b);
    await b.start();
    let sock: Socket | undefined;
    let up = false;
    const connector = createMqttConnector({
      tuneSocket: (s) => {
        s.setNoDelay(true);
        sock = s;
      },
    });
    const conn = connector({ url: b.url, protocolVersion: 4 }, session, { up: () => (up = true), down: () => {}, message: () => {} });
    await until(() => up, 5000, "up");
    conn.publish("alarm/v1/fp1/up", new Uint8Array(100).fill(7), false);
    // Before: mqtt.js holds the packet in the corked socket, to go out on the next tick.
    expect(sock!.writableCorked).toBeGreaterThan(0);
    expect(sock!.writableLength).toBeGreaterThan(100);
    conn.flush!();
    // After: nothing held back in this process.
    expect(sock!.writableCorked).toBe(0);
    expect(sock!.writableLength).toBe(0);
    conn.close(true);
  });

  it("flush() with nothing published, or after close(), does nothing and does not throw", async () => {
    const b = new TestBroker();
    brokers.push(b);
    await b.start();
    let up = false;
    const conn = createMqttConnector()({ url: b.url, protocolVersion: 4 }, session, { up: () => (up = true), down: () => {}, message: () => {} });
    await until(() => up, 5000, "up");
    expect(() => conn.flush!()).not.toThrow();
    conn.close(true);
    expect(() => conn.flush!()).not.toThrow();
  });
});

describe("LinkPath.send", () => {
  function path(withFlush: boolean): { calls: string[]; p: LinkPath } {
    const calls: string[] = [];
    const connector: Connector = (_broker, _session, handlers) => {
      const conn: Connection = {
        publish: (topic) => void calls.push(`publish ${topic}`),
        close: () => {},
        ...(withFlush ? { flush: () => void calls.push("flush") } : {}),
      };
      queueMicrotask(() => handlers.up());
      return conn;
    };
    const p = new LinkPath(
      { panel: "fp1", broker: { url: "mqtt://x" }, connector, clock: new FakeClock(), backoff: { baseMs: 1000, capMs: 1000 }, heartbeatMs: 60_000, keepaliveS: 60, sessionExpiryS: 60, clientSuffix: "" },
      { up: () => {}, down: () => {}, message: () => {}, heartbeatDue: () => {}, retrying: () => {} },
    );
    return { calls, p };
  }

  it("flushes each uplink frame right after publishing it, before returning", async () => {
    const { calls, p } = path(true);
    p.start();
    await until(() => p.state === "up", 1000, "up");
    calls.length = 0;
    expect(p.send("alarm/v1/fp1/up", new Uint8Array([1]))).toBe(true);
    expect(calls).toEqual(["publish alarm/v1/fp1/up", "flush"]);
    p.stop();
  });

  it("sends on a transport without flush() too", async () => {
    const { calls, p } = path(false);
    p.start();
    await until(() => p.state === "up", 1000, "up");
    calls.length = 0;
    expect(p.send("alarm/v1/fp1/up", new Uint8Array([1]))).toBe(true);
    expect(calls).toEqual(["publish alarm/v1/fp1/up"]);
    p.stop();
  });
});
