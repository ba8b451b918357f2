/**
 * The real centre receiver (simulator/centre/receiver) for the gateway tests, one per broker, all storing
 * into one CentreStore in memory: it verifies, stores and only then ACKs, or NAKs, exactly as in
 * production. On the simulated brokers it sits next to the broker (no latency of its own), commits each
 * frame as it arrives and runs on the test's FakeClock, set `skewMs` ahead of the panel's; over real
 * sockets it uses mqtt.js and the system clock. It reconnects 100 ms after losing its broker. What the tests add is on the
 * wire between broker and receiver: a centre that hears nothing (`silent`, or `deaf` on one broker: e.g. a
 * restarted broker it has not subscribed to yet, a receiver connected but stuck), or a centre that refuses
 * the next genuine frames for good (`nak`: a signed NAK naming the frame, as a receiver that cannot take
 * them would send; a frame that does not verify gets no answer at all, so damage on the wire cannot
 * provoke one).
 */
import type { KeyObject } from "node:crypto";
import type { Clock } from "../../protocol/clock.js";
import { frameRef, openUplink, parseTopic, sealDownlink, topics, type Signer, type UplinkPayload } from "../../protocol/index.js";
import { systemClock, type FakeClock } from "../../protocol/clock.js";
import { mqttConnector } from "../../gateway/mqtt-connector.js";
import type { BrokerOptions, Connector } from "../../gateway/transport.js";
import { simConnector, type SimBroker } from "../../simulator/board/sim-connector.js";
import { Receiver } from "../../simulator/centre/receiver/receiver.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import type { CachedKeyRing } from "../../simulator/centre/store/key-ring.js";

export type CentreMode = { kind: "ack" } | { kind: "silent" } | { kind: "nak"; reason: "bad-signature" | "unknown-key"; times: number };

export interface TestCentreOptions {
  readonly signer: Signer;
  /** Simulated brokers on a FakeClock, or the URLs of real ones. */
  readonly brokers: { readonly sim: readonly SimBroker[]; readonly clock: FakeClock } | { readonly urls: readonly string[]; readonly connect?: Omit<BrokerOptions, "url"> };
  readonly skewMs?: number;
  /** Receiver names, one per broker (default r0, r1, ...): the MQTT client id is `receiver@<name>`. */
  readonly names?: readonly string[];
}

export class TestCentre {
  readonly store = CentreStore.open(":memory:");
  readonly receivers: Receiver[];
  /** First arrivals (stored frames) in order. */
  readonly arrivals: UplinkPayload[] = [];
  /** Frames that arrived again and were re-acknowledged, not stored twice. */
  duplicates = 0;
  mode: CentreMode = { kind: "ack" };
  /** URLs of brokers whose receiver hears nothing (connected but silent). */
  readonly deaf = new Set<string>();
  /** The centre's clock minus the panel's, ms. */
  skewMs: number;
  readonly ring: CachedKeyRing;
  private readonly centreClock: Clock;

  private readonly starting: Promise<void>[];

  private readonly signer: Signer;

  constructor(o: TestCentreOptions) {
    this.signer = o.signer;
    const sim = "sim" in o.brokers ? o.brokers : undefined;
    const clock: Clock = sim?.clock ?? systemClock;
    this.skewMs = o.skewMs ?? 0;
    const centreClock: Clock = { now: () => clock.now() + this.skewMs, schedule: (ms, fn) => clock.schedule(ms, fn) };
    this.centreClock = centreClock;
    this.ring = this.store.registry.keyRing(undefined, () => centreClock.now());
    const base = sim ? simConnector(sim.sim, { latencyMs: 0 }) : mqttConnector;
    const urls = sim ? sim.sim.map((b) => b.url) : "urls" in o.brokers ? o.brokers.urls : [];
    const connect = !sim && "urls" in o.brokers ? o.brokers.connect : undefined;
    const connector: Connector = (broker, session, handlers) => {
      const conn = base(broker, session, {
        ...handlers,
        message: (topic, payload, retain) => {
          if (this.deaf.has(broker.url)) return;
          const frame = topic.endsWith("/up") ? this.onTheWire(topic, payload, (t, f) => conn.publish(t, f, false)) : payload;
          if (frame) handlers.message(topic, frame, retain);
        },
      });
      return conn;
    };
    // One receiver per broker (a centre subscribes on every path), all storing into the one store.
    this.receivers = urls.map((url, i) => {
      const r = new Receiver({
        url,
        store: this.store,
        centreKey: o.signer,
        name: o.names?.[i] ?? `r${i}`,
        connector,
        supervise: false,
        reconnectDelayMs: 100,
        ...(connect ? { connect } : {}),
        // On the simulated broker everything runs on the fake clock: each frame is judged, stored and
        // acknowledged as it arrives (no batch, no real event-loop turn in between).
        ...(sim ? { clock: centreClock, maxBatch: 1, intakeDefer: (fn: () => void) => fn() } : {}),
      });
      r.on("stored", (_panel, _seq, p) => this.arrivals.push(p));
      r.on("duplicate", () => this.duplicates++);
      return r;
    });
    this.starting = this.receivers.map((r) => r.start());
    if (sim) {
      for (const p of this.starting) p.catch(() => {});
      sim.clock.advance(0); // connected and subscribed now (no latency of their own), before any panel
    }

  }

  /** Resolves once every receiver is connected and subscribed (real brokers). */
  async started(): Promise<void> {
    await Promise.all(this.starting);
  }

  async close(): Promise<void> {
    for (const r of this.receivers) await r.stop();
    this.store.close();
  }

  /** The centre's clock. */
  now(): number {
    return this.centreClock.now();
  }

  /** Register a panel and its frame key (public). */
  register(panel: string, kid: string, key: KeyObject, at = Date.now()): void {
    this.store.registry.addPanel(panel, "SP4", at);
    this.store.registry.addFrameKey(kid, panel, key.export({ type: "spki", format: "pem" }).toString(), at);
  }

  /** Stored events of one panel in arrival order, each with its frame's seq. */
  events(panel: string) {
    return this.arrivals.filter((p) => p.panel === panel).flatMap((p) => ("events" in p ? p.events.map((e) => ({ seq: p.seq, ...e })) : []));
  }

  /** Every stored seq of one panel, ascending. */
  storedSeqs(panel: string): number[] {
    return this.arrivals.filter((p) => p.panel === panel).map((p) => p.seq).sort((a, b) => a - b);
  }

  private onTheWire(topic: string, frame: Uint8Array, publish: (topic: string, frame: Uint8Array) => void): Uint8Array | undefined {
    const m = this.mode;
    if (m.kind === "silent") return undefined;
    if (m.kind !== "nak" || m.times <= 0) return frame;
    m.times--;
    const panel = parseTopic(topic)!.panel;
    const { seq } = openUplink(frame, this.ring).payload;
    publish(topics.down(panel), sealDownlink({ v: 1, panel, sent: this.centreClock.now(), nak: { seq, reason: m.reason, ref: frameRef(frame) } }, this.signer));
    return undefined;
  }
}
