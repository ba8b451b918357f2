// The flood of one panel's broker login, measured: `npx tsx test/bench/flood-latency.ts [junk frames]`.
// aedes, the receiver and a second panel run in this process; the attacker (P1's password, a made-up
// frame key under P1's kid) runs in a child process and publishes as fast as its socket takes frames.
// Meanwhile P2 sends an alarm every 200 ms and waits for its ACK. Prints one JSON line: the attacker's
// rate, how the receiver disposed of the junk, P2's alarm round trips (p50, max) and this process's RSS.
import { spawn } from "node:child_process";
import mqtt from "mqtt";
import { generateEd25519, privateKeyFromPem, sealUplink, topics } from "../../protocol/index.js";

async function attacker(url: string, panel: string, password: string, kid: string, n: number): Promise<void> {
  const rogue = { kid, key: privateKeyFromPem(generateEd25519().privatePem) };
  const now = Date.now();
  const frames = Array.from({ length: 1000 }, (_, i) => Buffer.from(sealUplink({ v: 1, panel, seq: i, sent: now, events: [{ code: 130, q: 1, area: 1, zone: 1, at: now }] }, rogue)));
  const c = await mqtt.connectAsync(url, { clientId: `${panel}:x`, username: panel, password, protocolVersion: 4 });
  const t0 = Date.now();
  for (let i = 0; i < n; ) {
    for (let k = 0; k < 500 && i < n; k++, i++) c.publish(topics.up(panel), frames[i % 1000]!, { qos: 1 });
    await new Promise((r) => setTimeout(r, 1));
  }
  await c.endAsync();
  console.log(JSON.stringify({ attackerFramesPerS: Math.round(n / ((Date.now() - t0) / 1000)) }));
}

async function main(n: number): Promise<void> {
  const { startBroker } = await import("../../simulator/centre/broker/broker.js");
  const { passwordLogin } = await import("../../simulator/centre/broker/broker-login.js");
  const { Receiver } = await import("../../simulator/centre/receiver/receiver.js");
  const { makeCentre } = await import("../centre/fixture.js");
  const { TestPanel, burglary } = await import("../centre/test-panel.js");
  const receiverLogin = { username: "receiver", password: "r-secret", identity: { role: "receiver" as const, name: "receivers" } };
  const fx = makeCentre([{ id: "P1" }, { id: "P2" }]);
  const broker = await startBroker({ login: passwordLogin(fx.openStore().registry, [receiverLogin]) });
  const url = `mqtt://127.0.0.1:${broker.port}`;
  const r = new Receiver({ url, store: fx.openStore(), centreKey: fx.signer, name: "m", supervise: false, connect: { username: "receiver", password: "r-secret" } });
  await r.start();
  const rss0 = process.memoryUsage().rss;
  let maxRss = rss0;
  const p2 = await TestPanel.connect({ url, panel: "P2", signer: fx.panels.P2!.signer, centre: fx.centrePublic, connect: { username: "P2", password: fx.panels.P2!.bundle.password! } });
  const rtts: number[] = [];
  let seq = 0;
  const alarms = setInterval(() => {
    const s = seq++;
    const t = Date.now();
    void p2.send(burglary(2, Date.now()), { seq: s }).then(() => p2.until(() => p2.acked.has(s), 60_000)).then(() => rtts.push(Date.now() - t));
  }, 200);
  const mem = setInterval(() => (maxRss = Math.max(maxRss, process.memoryUsage().rss)), 50);
  const t0 = Date.now();
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, "--attacker", url, "P1", fx.panels.P1!.bundle.password!, fx.panels.P1!.signer.kid, String(n)], { stdio: ["ignore", "inherit", "inherit"] });
  await new Promise((res) => child.on("exit", res));
  const taken = () => r.intakeStats.unverified + r.intakeStats.overBudget + r.intakeStats.queueFull;
  while (taken() < n && Date.now() - t0 < 120_000) await new Promise((res) => setTimeout(res, 50));
  const allTakenMs = Date.now() - t0;
  clearInterval(alarms);
  await new Promise((res) => setTimeout(res, 1000));
  clearInterval(mem);
  rtts.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      junk: n,
      allTakenInMs: allTakenMs,
      receiver: { ...r.stats, ...r.intakeStats },
      alarms: rtts.length,
      alarmRttP50Ms: rtts[Math.floor(rtts.length / 2)],
      alarmRttMaxMs: rtts.at(-1),
      rssStartMB: Math.round(rss0 / 1e6),
      rssMaxMB: Math.round(maxRss / 1e6),
    }),
  );
  await p2.close();
  await r.stop();
  const closing = broker.close();
  for (const name of ["P1", "P2", "receivers"]) broker.kick(name);
  await closing;
  fx.cleanup();
}

const args = process.argv.slice(2);
if (args[0] === "--attacker") await attacker(args[1]!, args[2]!, args[3]!, args[4]!, Number(args[5]));
else await main(Number(args[0] ?? 100_000));
