/**
 * The embedded broker's maximum packet size (packet-size-limit.ts), as Mosquitto's max_packet_size:
 * the scanner on both sides of the limit and across chunk boundaries, then aedes over a real socket.
 */
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBroker, type RunningBroker } from "../../simulator/centre/broker/broker.js";
import { passwordLogin } from "../../simulator/centre/broker/broker-login.js";
import { MAX_PACKET_BYTES, PacketSizeScanner } from "../../simulator/centre/broker/packet-size-limit.js";
import { until } from "../gateway/until.js";
import { makeCentre, type CentreFixture } from "./fixture.js";

/** A packet's fixed header (type byte, Remaining Length varint) and a body of `body` bytes. */
function packet(body: number): Uint8Array {
  const len: number[] = [];
  let n = body;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    len.push(b);
  } while (n > 0);
  return Uint8Array.from([0x32, ...len, ...new Uint8Array(body)]);
}

describe("packet size scanner", () => {
  it("a packet of exactly the limit passes; one byte more is refused", () => {
    const ok = packet(MAX_PACKET_BYTES - 3); // 1 type byte + 2 length bytes
    expect(ok.length).toBe(MAX_PACKET_BYTES);
    expect(new PacketSizeScanner(MAX_PACKET_BYTES).feed(ok)).toBe(true);
    expect(new PacketSizeScanner(MAX_PACKET_BYTES).feed(packet(MAX_PACKET_BYTES - 2))).toBe(false);
  });

  it("follows packets across chunk boundaries, one byte at a time", () => {
    const s = new PacketSizeScanner(100);
    const stream = [...packet(10), ...packet(97), ...packet(0), ...packet(98)];
    const results = stream.map((b) => s.feed(Uint8Array.of(b)));
    // The last packet (1 + 1 + 98 = 100 bytes) is within the limit too.
    expect(results.every(Boolean)).toBe(true);
    expect(s.feed(packet(99).subarray(0, 2))).toBe(false);
  });

  it("refuses a Remaining Length of more than 4 bytes (MQTT 3.1.1 §2.2.3)", () => {
    expect(new PacketSizeScanner(1 << 30).feed(Uint8Array.of(0x30, 0xff, 0xff, 0xff, 0xff, 0x01))).toBe(false);
  });
});

let fx: CentreFixture;
let broker: RunningBroker;
beforeAll(async () => {
  fx = makeCentre([{ id: "S1" }]);
  broker = await startBroker({ login: passwordLogin(fx.openStore().registry) });
});
afterAll(async () => {
  const closing = broker.close();
  broker.kick("S1");
  await closing;
  fx.cleanup();
});

describe("aedes with the packet size limit", () => {
  it("a 4 KiB frame is taken; a client announcing a bigger packet is disconnected before it is buffered", async () => {
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const c = await mqtt.connectAsync(url, { clientId: "S1", username: "S1", password: fx.panels.S1!.bundle.password!, protocolVersion: 4, reconnectPeriod: 0 });
    let closed = false;
    c.on("close", () => (closed = true));
    await c.publishAsync("alarm/v1/S1/up", Buffer.alloc(4096), { qos: 1 });
    expect(closed).toBe(false);
    c.publish("alarm/v1/S1/up", Buffer.alloc(5000), { qos: 1 });
    await until(() => closed, 5000, "disconnected");
    c.end(true);
  });
});
