/**
 * The junk flood of one panel's broker login (not its frame key) on the embedded aedes broker with its
 * ACL: another panel's alarm is stored after at most the flooding panel's budget of verified junk frames
 * (a receiver clock that does not move, so the budget never refills), nothing is answered, one
 * flooding alarm. The same attack through Mosquitto: mosquitto-attacks.test.ts.
 */
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import { generateEd25519, privateKeyFromPem, sealUplink, topics } from "../../protocol/index.js";
import { startBroker, type RunningBroker } from "../../simulator/centre/broker/broker.js";
import { passwordLogin } from "../../simulator/centre/broker/broker-login.js";
import { Receiver } from "../../simulator/centre/receiver/receiver.js";
import { until } from "../gateway/until.js";
import { makeCentre, type CentreFixture } from "./fixture.js";
import { TestPanel, burglary } from "./test-panel.js";

let fx: CentreFixture;
let broker: RunningBroker;
const receiverLogin = { username: "receiver", password: "r-secret", identity: { role: "receiver" as const, name: "receivers" } };

beforeAll(async () => {
  fx = makeCentre([{ id: "F1" }, { id: "F2" }]);
  broker = await startBroker({ login: passwordLogin(fx.openStore().registry, [receiverLogin]) });
});
afterAll(async () => {
  const closing = broker.close();
  for (const name of ["F1", "F2", receiverLogin.identity.name]) broker.kick(name);
  await closing;
  fx.cleanup();
});

describe("junk flood on aedes", () => {
  it("4,000 junk frames from F1's login: F2's alarm is stored after at most F1's budget (20) of verified junk frames; one flooding alarm", async () => {
    const url = `mqtt://127.0.0.1:${broker.port}`;
    const clock = new FakeClock(Date.now());
    const store = fx.openStore();
    const r = new Receiver({ url, store, centreKey: fx.signer, name: "flood", clock, supervise: false, connect: { username: receiverLogin.username, password: receiverLogin.password } });
    let verifiedJunk = 0;
    let junkWhenAlarmStored: number | undefined;
    r.on("dropped", (topic, code) => topic === topics.up("F1") && code === "bad-signature" && verifiedJunk++);
    r.on("stored", (panel) => panel === "F2" && (junkWhenAlarmStored ??= verifiedJunk));
    await r.start();
    const f2 = fx.panels.F2!;
    const p2 = await TestPanel.connect({ url, panel: "F2", signer: f2.signer, centre: fx.centrePublic, connect: { username: "F2", password: f2.bundle.password! } });
    const attacker = await mqtt.connectAsync(url, { clientId: "F1:x", username: "F1", password: fx.panels.F1!.bundle.password!, protocolVersion: 4, reconnectPeriod: 0 });
    const rogue = { kid: fx.panels.F1!.signer.kid, key: privateKeyFromPem(generateEd25519().privatePem) };
    const junk = (seq: number) => Buffer.from(sealUplink({ v: 1, panel: "F1", seq, sent: Date.now(), ...burglary(1, Date.now()) } as never, rogue));
    const N = 4000;
    for (let i = 0; i < N; i++) {
      attacker.publish(topics.up("F1"), junk(i), { qos: 1 });
      if (i === N / 2) void p2.send(burglary(2, Date.now()), { seq: 0 });
    }
    await p2.until(() => p2.acked.has(0), 20_000);
    await until(() => r.intakeStats.unverified + r.intakeStats.overBudget + r.intakeStats.queueFull >= N, 20_000, "flood taken in");
    expect(junkWhenAlarmStored).toBeLessThanOrEqual(20);
    expect(verifiedJunk).toBeLessThanOrEqual(20);
    expect(r.stats.naks).toBe(0);
    expect(store.alarms.list().filter((a) => a.kind === "flooding").map((a) => a.panel)).toEqual(["F1"]);
    attacker.end(true);
    await p2.close();
    await r.stop();
  }, 60_000);
});
