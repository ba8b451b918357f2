/**
 * NAK bait: someone holding a panel's broker login (not its frame key) publishes junk frames carrying the
 * panel's next sequence numbers. The receiver answers no frame that does not verify, and every answer
 * names the exact frame it answers (protocol/frame-ref.ts), so the gateway parks nothing and every real
 * event arrives, also across a broker outage in the middle. The real Gateway, Receiver and aedes (with
 * its ACL), at CI size (100 events).
 */
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Cid, Qualifier, generateEd25519, privateKeyFromPem, sealUplink, topics, type Event } from "../../protocol/index.js";
import { Gateway } from "../../gateway/gateway.js";
import { startBroker, type RunningBroker } from "../../simulator/centre/broker/broker.js";
import { passwordLogin } from "../../simulator/centre/broker/broker-login.js";
import { Receiver } from "../../simulator/centre/receiver/receiver.js";
import type { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { until } from "../gateway/until.js";
import { testGatewayOptions } from "../support/test-gateway-options.js";
import { makeCentre, type CentreFixture } from "./fixture.js";

let fx: CentreFixture;
let store: CentreStore;
let broker: RunningBroker;
const receiverLogin = { username: "receiver", password: "r-secret", identity: { role: "receiver" as const, name: "receivers" } };
const startAedes = (port?: number) => startBroker({ ...(port ? { port } : {}), login: passwordLogin(store.registry, [receiverLogin]) });

beforeAll(async () => {
  fx = makeCentre([{ id: "P1", category: "SP6" }]);
  store = fx.openStore();
  broker = await startAedes();
});
afterAll(async () => {
  const closing = broker.close();
  broker.kick("P1");
  await closing;
  fx.cleanup();
});

const eventFor = (i: number): Event => ({ code: Cid.Burglary, q: Qualifier.New, area: 1, zone: 1 + (i % 99), at: Date.now() });

describe("NAK bait: junk frames with a real panel's next seqs", () => {
  it("park nothing: all 100 real events arrive, across a broker outage, and no junk frame is answered", async () => {
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const p1 = fx.panels.P1!;
    // Budget large enough that this test is about the NAKs, not about flooding (receiver-flood.test.ts).
    const r = new Receiver({ url, store: fx.openStore(), centreKey: fx.signer, name: "bait", reconnectDelayMs: 100, flood: { burst: 10_000 }, connect: { username: receiverLogin.username, password: receiverLogin.password } });
    const stored = new Set<number>();
    r.on("stored", (_p, seq) => stored.add(seq));
    await r.start();
    const gw = new Gateway(
      testGatewayOptions({ panel: "P1", signer: p1.signer, centreKey: fx.centrePublic, db: ":memory:", brokers: [{ url, username: "P1", password: p1.bundle.password! }], backoff: { baseMs: 50, capMs: 300 } }),
    );
    const rejected: number[] = [];
    gw.on("rejected", (e) => rejected.push(e.seq));
    // The attacker: P1's broker login under another suffix, and a frame key it made up under P1's kid.
    const rogue = { kid: p1.signer.kid, key: privateKeyFromPem(generateEd25519().privatePem) };
    const attacker = await mqtt.connectAsync(url, { clientId: "P1:evil", username: "P1", password: p1.bundle.password!, protocolVersion: 4, reconnectPeriod: 100 });
    // Junk published before the outage may die with the attacker's session; what it publishes after the
    // broker is back must all reach the receiver (and be dropped there as unverified).
    let restarted = false;
    let baitAfterRestart = 0;
    const bait = (seq: number) => {
      if (restarted) baitAfterRestart += 4;
      for (let s = seq; s < seq + 4; s++) {
        const junk = sealUplink({ v: 1, panel: "P1", seq: s, sent: Date.now(), events: [eventFor(s)] }, rogue);
        attacker.publish(topics.up("P1"), Buffer.from(junk), { qos: 1 });
      }
    };
    await gw.start();
    const seqs: number[] = [];
    try {
      await until(() => gw.activePath === 0, 10_000, "gateway connected");
      for (let i = 0; i < 100; i++) {
        const seq = gw.report(eventFor(i));
        seqs.push(seq);
        bait(seq); // races the real frame to the receiver
        if (i % 10 === 0) await new Promise((res) => setTimeout(res, 20));
        if (i === 50) {
          const port = broker.port!;
          // The outage: stop listening, then drop every session (close waits for open connections).
          const closing = broker.close();
          broker.kick("P1");
          broker.kick(receiverLogin.identity.name);
          await closing;
          await until(() => !gw.linkUp, 10_000, "link loss noticed");
          bait(seq + 1);
          broker = await startAedes(port);
          await until(() => gw.linkUp, 10_000, "link back");
          await until(() => attacker.connected, 10_000, "attacker back");
          restarted = true;
          bait(seq + 1);
        }
      }
      await until(() => gw.depth().total === 0, 30_000, "outbox drained");
      expect(seqs.filter((s) => !stored.has(s))).toEqual([]);
      expect(rejected).toEqual([]);
      expect(r.stats.naks).toBe(0);
      await until(() => r.intakeStats.unverified >= baitAfterRestart, 30_000, "the bait sent after the outage reached the receiver");
      expect(baitAfterRestart).toBeGreaterThan(150);
    } finally {
      attacker.end(true); // forced: its QoS 1 junk may still wait for PUBACKs that a restarted broker never sends
      await gw.stop();
      await r.stop();
    }
  }, 90_000);
});
