/**
 * The centre as the demo runs it (startCentre: embedded broker, receiver, operator queue, in memory):
 * a burglary reaches the operator queue with its frames, the retained status topic with its offline Last
 * Will is recorded, and a sequence gap becomes a "possible lost events" alarm.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mqtt from "mqtt";
import { STATUS_OFFLINE, STATUS_ONLINE, topics } from "../../protocol/index.js";
import { startCentre, type RunningCentre } from "../../simulator/centre/start-centre.js";
import { TestPanel, burglary } from "./test-panel.js";

let centre: RunningCentre;

beforeAll(async () => {
  centre = await startCentre({ gapGraceMs: 200 });
});
afterAll(async () => {
  await centre.close();
});

function connectPanel(id: string) {
  const c = centre.addPanel(id, "SP4");
  return TestPanel.connect({ url: c.url, panel: id, signer: c.signer, centre: c.centre, connect: { username: c.username, password: c.password } });
}

describe("centre end to end", () => {
  it("a burglary becomes an operator alarm with its frames; the operator takes, handles and closes it", async () => {
    const p = await connectPanel("E1");
    const seq = await p.deliver(burglary(4, Date.now()));
    const [alarm] = (await centre.queue.list()).filter((a) => a.panel === "E1");
    expect(alarm).toMatchObject({ kind: "event", title: "burglary zone 4 area 1", state: "new" });
    expect((await centre.queue.history(alarm!.id)).frames.map((f) => f.seq)).toEqual([seq]);
    await centre.queue.take(alarm!.id, "ann");
    await centre.queue.handle(alarm!.id, "ann", "keyholder called");
    expect((await centre.queue.close(alarm!.id, "ann")).state).toBe("closed");
    await p.close();
  });

  it("records the retained status topic: online on connect, the offline Last Will when the link dies", async () => {
    const c = centre.addPanel("E2", "SP4");
    const statuses: string[] = [];
    centre.receiver.on("status", (panel, s) => panel === "E2" && statuses.push(s));
    const client = await mqtt.connectAsync(c.url, {
      clientId: "E2",
      username: c.username,
      password: c.password,
      reconnectPeriod: 0,
      will: { topic: topics.status("E2"), payload: Buffer.from(STATUS_OFFLINE), qos: 1, retain: true },
    });
    await client.publishAsync(topics.status("E2"), STATUS_ONLINE, { qos: 1, retain: true });
    await expect.poll(() => centre.store.registry.panel("E2")?.status).toBe(STATUS_ONLINE);
    client.stream.destroy(); // the link dies without DISCONNECT: the broker publishes the Will
    await expect.poll(() => centre.store.registry.panel("E2")?.status).toBe(STATUS_OFFLINE);
    expect(statuses).toEqual([STATUS_ONLINE, STATUS_OFFLINE]);
    client.end(true);
  });

  it("a sequence gap still open after the grace period raises 'possible lost events'", async () => {
    const p = await connectPanel("E3");
    const lost: [number, number][] = [];
    centre.receiver.on("lost-events", (l) => l.panel === "E3" && lost.push([l.from, l.to]));
    for (const seq of [0, 1, 4]) await p.send(burglary(1, Date.now()), { seq });
    await p.until(() => p.acked.size === 3);
    await expect.poll(() => lost, { timeout: 3000 }).toEqual([[2, 3]]);
    expect((await centre.queue.list()).some((a) => a.panel === "E3" && a.kind === "lost-events")).toBe(true);
    await p.close();
  });
});
