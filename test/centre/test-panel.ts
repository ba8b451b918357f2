/**
 * A minimal panel for centre tests: mqtt.js plus sealUplink, verifying every downlink against the pinned
 * centre key. `deliver` retransmits until the ACK comes, as a real panel's outbox does.
 */
import type { KeyObject } from "node:crypto";
import type { Socket } from "node:net";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { openDownlink, sealUplink, topics, type DownlinkPayload, type Event, type NakReason, type Signer } from "../../protocol/index.js";

type Body = { events: Event[] } | { heartbeat: { areas: { area: number; mode: "disarmed" | "away" | "stay" | "night" }[]; troubles: number[]; outbox: number } };

export interface TestPanelOptions {
  readonly url: string;
  readonly panel: string;
  readonly signer: Signer;
  readonly centre: { kid: string; key: KeyObject };
  readonly connect?: Partial<IClientOptions>;
  readonly now?: () => number;
}

export class TestPanel {
  readonly acked = new Set<number>();
  readonly naks: { seq: number; reason: NakReason; centreTime: number; ref: string }[] = [];
  readonly downlinks: DownlinkPayload[] = [];
  /** Downlinks that did not open (not signed by the pinned centre key, not for this panel, garbage). */
  readonly refused: string[] = [];
  private nextSeq = 0;
  private waiters: (() => void)[] = [];

  private constructor(
    readonly client: MqttClient,
    private readonly o: TestPanelOptions,
  ) {
    client.on("message", (t, m) => {
      let d: DownlinkPayload;
      try {
        d = openDownlink(m, { centre: o.centre, panel: o.panel });
      } catch (e) {
        this.refused.push(`${t}: ${(e as Error).message}`);
        return;
      }
      this.downlinks.push(d);
      if ("ack" in d) d.ack.seqs.forEach((s) => this.acked.add(s));
      if ("nak" in d) this.naks.push({ seq: d.nak.seq, reason: d.nak.reason, centreTime: d.sent, ref: d.nak.ref });
      const w = this.waiters;
      this.waiters = [];
      w.forEach((f) => f());
    });
  }

  static async connect(o: TestPanelOptions): Promise<TestPanel> {
    const client = await mqtt.connectAsync(o.url, { clientId: o.panel, protocolVersion: 4, reconnectPeriod: 200, ...o.connect });
    (client.stream as unknown as Socket).setNoDelay?.(true);
    const p = new TestPanel(client, o);
    await client.subscribeAsync(topics.down(o.panel), { qos: 1 });
    return p;
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  /** Seal and publish one frame once; returns its seq. */
  async send(body: Body, opts: { seq?: number; sent?: number } = {}): Promise<number> {
    const seq = opts.seq ?? this.nextSeq++;
    const frame = sealUplink({ v: 1, panel: this.o.panel, seq, sent: opts.sent ?? this.now(), ...body } as never, this.o.signer);
    await this.client.publishAsync(topics.up(this.o.panel), Buffer.from(frame), { qos: 1 });
    return seq;
  }

  /** Publish raw bytes on this panel's uplink topic. */
  async sendRaw(bytes: Uint8Array): Promise<void> {
    await this.client.publishAsync(topics.up(this.o.panel), Buffer.from(bytes), { qos: 1 });
  }

  /** Send and resend (re-signed, as a panel does) every `retryMs` until ACKed. */
  async deliver(body: Body, retryMs = 300, timeoutMs = 10_000): Promise<number> {
    const seq = this.nextSeq++;
    const give = Date.now() + timeoutMs;
    while (!this.acked.has(seq)) {
      if (Date.now() > give) throw new Error(`seq ${seq} not acknowledged within ${timeoutMs} ms`);
      await this.send(body, { seq });
      await this.until(() => this.acked.has(seq), retryMs).catch(() => undefined);
    }
    return seq;
  }

  /** Resolve when `cond` holds (checked at every downlink), reject after `ms`. */
  until(cond: () => boolean, ms = 5000): Promise<void> {
    if (cond()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("timed out waiting for downlink")), ms);
      const check = () => {
        if (cond()) {
          clearTimeout(t);
          resolve();
        } else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}

export const burglary = (zone: number, at: number): Body => ({ events: [{ code: 130, q: 1, area: 1, zone, at }] });
