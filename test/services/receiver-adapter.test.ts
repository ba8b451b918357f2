/** The receiver adapter: the services' work happens after the receiver's handler returns (ACKs first), in order. */
import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { MemoryLogger } from "../../simulator/centre/logger.js";
import { attachReceiver } from "../../simulator/centre/services/receiver-adapter.js";
import { TEST_SCRYPT } from "../../simulator/centre/services/secret-hash.js";
import { Services } from "../../simulator/centre/services/services.js";
import { simulatedPorts } from "../../simulator/centre/services/simulated-ports.js";
import { SqliteServicesDb } from "../../simulator/centre/services/sqlite-services-db.js";
import { SqliteCentreStore } from "../../simulator/centre/store-pg/sqlite-store.js";
import type { Receiver } from "../../simulator/centre/receiver/receiver.js";
import type { ReceiverEvents } from "../../simulator/centre/receiver/receiver-events.js";
import { FakeClock } from "../../protocol/clock.js";

let close = () => {};
afterEach(() => close());

async function setup() {
  const centre = CentreStore.open(":memory:");
  const clock = new FakeClock();
  const services = await Services.open(new SqliteServicesDb(centre.db), clock, simulatedPorts(clock), { scrypt: TEST_SCRYPT });
  const inst = await services.installations.create("t", { name: "Shop", address: "2 Main Street", timeZone: "Europe/Berlin" });
  await services.installations.attachPanel("t", inst.id, "P1");
  const receiver = new EventEmitter<ReceiverEvents>();
  const log = new MemoryLogger();
  const adapter = attachReceiver(receiver as unknown as Receiver, SqliteCentreStore.over(centre), services, log);
  close = () => (adapter.detach(), centre.close());
  const stored = (seq: number, code: number, zone?: number) =>
    receiver.emit("stored", "P1", seq, { v: 1, panel: "P1", seq, sent: clock.now(), events: [{ code, q: 1, area: 1, ...(zone !== undefined ? { zone } : {}), at: clock.now() }] });
  return { services, receiver, log, stored, clock, settled: () => adapter.settled() };
}

describe("receiver adapter", () => {
  it("does nothing inside the receiver's handler; the events are handled afterwards, in order", async () => {
    const f = await setup();
    f.stored(1, 130, 3);
    f.stored(2, 110, 4);
    expect(await f.services.desk.queue()).toEqual([]);
    await f.settled();
    expect((await f.services.desk.queue()).map((i) => i.key)).toEqual(["130:z3", "110:z4"]);
  });

  it("passes a command result to remote support, and logs a failure instead of throwing into the receiver", async () => {
    const f = await setup();
    f.receiver.emit("stored", "P1", 1, { v: 1, panel: "P1", seq: 1, sent: 0, result: { id: "unknown-command", ok: true } });
    f.receiver.emit("alarm", 999); // no such centre alarm: the lookup fails
    await f.settled();
    expect(f.log.lines).toMatchObject([{ level: "error", msg: "services: alarm failed" }]);
  });

  it("opens a supervision incident and a ticket on a transmission fault; traffic clears the ticket", async () => {
    const f = await setup();
    await f.services.start();
    f.receiver.emit("transmission-fault", { panel: "P1", alarmId: 7, lastSeen: 0, deadline: f.clock.now() });
    await f.settled();
    expect(await f.services.desk.queue()).toMatchObject([{ cls: "supervision", centreAlarmId: 7 }]);
    expect(await f.services.tickets.list("open")).toHaveLength(1);
    f.stored(1, 602); // a periodic test report: traffic
    await f.settled();
    expect(await f.services.tickets.list("open")).toEqual([]);
    f.services.stop();
  });
});
