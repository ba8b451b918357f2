/**
 * The real link port: mqtt.js v5. Reconnection is ours (reconnectPeriod 0, see link-path.ts) so the
 * backoff is testable with fake time. TCP_NODELAY is turned on: with Nagle on, every QoS 1 round trip
 * on this machine costs ~88 ms (delayed ACK interplay).
 */
import type { Socket } from "node:net";
import type { Writable } from "node:stream";
import type { IClientOptions, MqttClient } from "mqtt";
import { connectMqtt } from "./mqtt-stream.js";
import { subscriptionsOf, type BrokerOptions, type Connection, type Connector, type SessionOptions } from "./transport.js";

/** CONNACK return code 1 (MQTT 3.1.1 §3.2.2.3) / reason 0x84 (MQTT 5 §3.2.2.2): protocol version refused. */
const REFUSED_VERSION = new Set([1, 0x84]);

export interface MqttConnectorOptions {
  /** Tunes each connection's socket once connected; default: TCP_NODELAY on. */
  readonly tuneSocket?: (socket: Socket) => void;
  /**
   * mqtt.js options a busy client tunes (the centre's receiver, a packet per frame):
   * - `log`, mqtt.js's trace sink; default its `debug("mqttjs:client")`, on with DEBUG=mqttjs*. Even
   *   off, it costs a call with its arguments per line, about ten per packet.
   * - `reschedulePings`; default true: every PUBACK re-arms the keepalive timer. False: a PINGREQ every
   *   keepalive period whatever the traffic (MQTT 3.1.1 §3.1.2.10 allows either).
   */
  readonly mqtt?: Pick<IClientOptions, "log" | "reschedulePings">;
}

/** An mqtt.js connector; the centre's receiver passes its own socket tuning (write coalescing). */
export function createMqttConnector(o: MqttConnectorOptions = {}): Connector {
  const tune = o.tuneSocket ?? ((s: Socket) => s.setNoDelay(true));
  return (broker, session, handlers) => {
    let client: MqttClient | undefined;
    let finished = false;

    const finish = (reason: string) => {
      if (finished) return;
      finished = true;
      client?.end(true);
      handlers.down(reason);
    };

    const open = (version: 4 | 5) => {
      const c = connectMqtt(broker.url, { ...clientOptions(broker, session, version), ...o.mqtt });
      client = c;
      noDelay(c);
      c.on("connect", () => {
        const sock = c.stream as Partial<Socket> | undefined;
        if (sock && typeof sock.setNoDelay === "function") tune(sock as Socket);
        c.subscribe([...subscriptionsOf(session)], { qos: 1 }, (err) => {
          if (finished || client !== c) return;
          if (err) finish(`subscribe failed: ${err.message}`);
          else handlers.up();
        });
      });
      c.on("message", (topic, payload, packet) => {
        if (!finished && client === c) handlers.message(topic, new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength), packet.retain);
      });
      c.on("error", (err) => {
        const code = (err as { code?: number }).code;
        if (version === 5 && code !== undefined && REFUSED_VERSION.has(code) && client === c) {
          c.end(true);
          open(4);
          return;
        }
        if (client === c) finish(err.message);
      });
      c.on("close", () => {
        if (client === c) finish("connection closed");
      });
    };

    open(broker.protocolVersion ?? 5);

    const conn: Connection = {
      publish(topic, payload, retain, done) {
        if (finished || !client) return done?.(new Error("not connected"));
        client.publish(topic, typeof payload === "string" ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength), { qos: 1, retain }, (err) => done?.(err ?? undefined));
      },
      flush() {
        // mqtt.js corks the socket for every packet it writes and uncorks on the next tick (mqtt-packet
        // writeToStream): uncorked here, the frame goes out before whatever else this turn still does.
        const s = client?.stream as Partial<Writable> | undefined;
        if (!finished && s && typeof s.uncork === "function") while ((s.writableCorked ?? 0) > 0) s.uncork();
      },
      close(graceful) {
        if (finished) return;
        finished = true;
        client?.end(!graceful);
      },
    };
    return conn;
  };
}

export const mqttConnector: Connector = createMqttConnector();

function clientOptions(broker: BrokerOptions, session: SessionOptions, version: 4 | 5): IClientOptions {
  return {
    protocolVersion: version,
    clientId: session.clientId,
    clean: session.clean ?? false,
    keepalive: session.keepaliveS,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    ...(version === 5 ? { properties: { sessionExpiryInterval: session.sessionExpiryS } } : {}),
    ...(session.will ? { will: { topic: session.will.topic, payload: Buffer.from(session.will.payload), qos: 1, retain: true } } : {}),
    ...(broker.key !== undefined ? { key: broker.key } : {}),
    ...(broker.cert !== undefined ? { cert: broker.cert } : {}),
    ...(broker.ca !== undefined ? { ca: broker.ca } : {}),
    ...(broker.rejectUnauthorized !== undefined ? { rejectUnauthorized: broker.rejectUnauthorized } : {}),
    ...(broker.servername !== undefined ? { servername: broker.servername } : {}),
    ...(broker.username !== undefined ? { username: broker.username } : {}),
    ...(broker.password !== undefined ? { password: broker.password } : {}),
  };
}

function noDelay(c: MqttClient): void {
  const s = c.stream as Partial<Socket> | undefined;
  if (s && typeof s.setNoDelay === "function") s.setNoDelay(true);
}
