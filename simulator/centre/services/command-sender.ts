/**
 * The port that carries a signed command to a panel. The centre's receiver sends only ACKs and NAKs, so
 * the real sender is its own: it seals the command with the centre's downlink key (COSE_Sign1, Ed25519,
 * RFC 9052 §4.2) and publishes it on the panel's downlink topic over an MQTT client with a receiver
 * identity (the broker ACL lets receivers write `alarm/v1/<panel>/down`).
 */
import { PROTOCOL_VERSION, type Command } from "../../../protocol/schema.js";
import { sealDownlink, type Signer } from "../../../protocol/frame.js";
import { topics } from "../../../protocol/topics.js";
import type { Clock } from "../../../protocol/clock.js";

export interface CommandSender {
  send(panel: string, cmd: Command): Promise<void>;
}

/** The part of an MQTT.js client the sender needs. */
export interface DownlinkPublisher {
  publishAsync(topic: string, message: Buffer, opts: { qos: 1; retain: false }): Promise<unknown>;
}

export class MqttCommandSender implements CommandSender {
  constructor(
    private readonly client: DownlinkPublisher,
    private readonly centreKey: Signer,
    private readonly clock: Clock,
  ) {}

  async send(panel: string, cmd: Command): Promise<void> {
    const frame = sealDownlink({ v: PROTOCOL_VERSION, panel, sent: this.clock.now(), cmd }, this.centreKey);
    // QoS 1, never retained: a retained command would run again at every reconnect.
    await this.client.publishAsync(topics.down(panel), Buffer.from(frame), { qos: 1, retain: false });
  }
}

/** Hands each command to `deliver` (a simulated panel), or keeps it for a test to answer. */
export class SimulatedCommandSender implements CommandSender {
  readonly sent: { panel: string; cmd: Command }[] = [];
  constructor(private readonly deliver?: (panel: string, cmd: Command) => void) {}

  async send(panel: string, cmd: Command): Promise<void> {
    this.sent.push({ panel, cmd });
    this.deliver?.(panel, cmd);
  }
}
