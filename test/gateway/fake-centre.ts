/** The fake centre over a real MQTT connection: subscribes to every panel's uplink and answers each frame. */
import type { Socket } from "node:net";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { topics, type Signer } from "../../protocol/index.js";
import { CentreCore } from "./centre-core.js";

export class FakeCentre {
  readonly core: CentreCore;
  private client: MqttClient | undefined;

  constructor(
    signer: Signer,
    /** Extra connect options: login, client certificate, protocol version. */
    private readonly login: Partial<IClientOptions> = {},
  ) {
    this.core = new CentreCore(signer);
  }

  async connect(url: string): Promise<void> {
    const c = mqtt.connect(url, { protocolVersion: 4, clientId: `centre-${process.pid}`, clean: true, reconnectPeriod: 50, connectTimeout: 2000, ...this.login });
    this.client = c;
    const noDelay = () => (c.stream as Partial<Socket> | undefined)?.setNoDelay?.(true);
    noDelay();
    c.on("connect", () => {
      noDelay();
      c.subscribe(topics.allUp, { qos: 1 });
    });
    c.on("message", (topic, payload) => {
      const reply = this.core.receive(topic, new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength));
      if (reply) c.publish(reply.topic, Buffer.from(reply.frame), { qos: 1 });
    });
    c.on("error", () => {});
    await new Promise<void>((resolve) => c.once("connect", () => c.subscribe(topics.allUp, { qos: 1 }, () => resolve())));
  }

  async close(): Promise<void> {
    await this.client?.endAsync(true);
  }
}

/** Poll until `cond` holds (real time), or fail after `ms`. */
export async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
