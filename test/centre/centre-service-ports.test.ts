/**
 * alarm-centre's own ports for the services: telephony, messaging and guards with no provider (each
 * request logged for the operator and refused, so the task stays open), and remote-support commands over
 * the receivers' sessions (the first running one whose link takes it; none: a typed refusal).
 */
import { describe, expect, it } from "vitest";
import { manualPorts } from "../../simulator/centre/cli/manual-ports.js";
import { receiversDownlink, type DownlinkRoute } from "../../simulator/centre/cli/receivers-downlink.js";
import { MemoryLogger } from "../../simulator/centre/logger.js";
import { SimulatedCommandSender } from "../../simulator/centre/services/command-sender.js";

const request = { incidentId: 7, installationId: 3, address: "1 Main Street", reason: "burglary zone 2" };
const callbacks = { arrived: () => expect.fail("no guard can arrive"), report: () => expect.fail("no guard can report") };

describe("manual ports: nobody is called by the centre", () => {
  it("a call is refused with port-failed naming the number, and logged once for the operator", async () => {
    const log = new MemoryLogger();
    const ports = manualPorts(log, new SimulatedCommandSender());
    await expect(ports.telephony.dial("+49 30 1111", "incident 7: burglary")).rejects.toMatchObject({ code: "port-failed", detailMessage: expect.stringContaining("call +49 30 1111 yourself") });
    expect(log.lines).toEqual([{ level: "warn", msg: "telephony: no provider, call by hand", fields: { to: "+49 30 1111", purpose: "incident 7: burglary" } }]);
  });

  it("a message is refused and logged with its text, channel and address", async () => {
    const log = new MemoryLogger();
    await expect(manualPorts(log, new SimulatedCommandSender()).messenger.send({ channel: "sms", to: "+49 170 2222", text: "Alarm at Bakery" })).rejects.toMatchObject({ code: "port-failed" });
    expect(log.matching(/^messenger: no provider/)).toEqual([{ level: "warn", msg: "messenger: no provider, send by hand", fields: { channel: "sms", to: "+49 170 2222", text: "Alarm at Bakery" } }]);
  });

  it("a guard dispatch is refused and logged (no ref, nothing billed); a recall is only logged", async () => {
    const log = new MemoryLogger();
    const { guard } = manualPorts(log, new SimulatedCommandSender());
    await expect(guard.dispatch(request, callbacks)).rejects.toMatchObject({ code: "port-failed", detailMessage: expect.stringContaining("1 Main Street") });
    await expect(guard.recall("guard-1")).resolves.toBeUndefined();
    expect(log.lines.map((l) => l.msg)).toEqual(["guard service: no provider, dispatch by hand", "guard service: no provider, recall by hand"]);
  });
});

function route(name: string, running: boolean, fails?: string): DownlinkRoute & { sent: string[] } {
  const sent: string[] = [];
  return {
    name,
    running,
    sent,
    publishDownlink: async (topic) => {
      if (fails) throw new Error(fails);
      sent.push(topic);
    },
  };
}

describe("remote commands over the receivers' sessions", () => {
  it("the first running receiver sends; a stopped one is skipped, one whose link is down hands over to the next", async () => {
    const stopped = route("receiver-1", false);
    const down = route("receiver-2", true, "not connected");
    const up = route("receiver-3", true);
    await receiversDownlink([stopped, down, up]).publishAsync("alarm/v1/S1/down", Buffer.from([1]), { qos: 1, retain: false });
    expect([stopped.sent, down.sent, up.sent]).toEqual([[], [], ["alarm/v1/S1/down"]]);
  });

  it("with no receiver up the command is refused, naming each receiver's failure", async () => {
    await expect(receiversDownlink([route("receiver-1", true, "not connected")]).publishAsync("t", Buffer.from([1]), { qos: 1, retain: false })).rejects.toMatchObject({
      code: "broker-refused",
      message: "broker-refused: no receiver could send the command (receiver-1: not connected)",
    });
    await expect(receiversDownlink([route("receiver-1", false)]).publishAsync("t", Buffer.from([1]), { qos: 1, retain: false })).rejects.toMatchObject({ code: "broker-refused", message: expect.stringContaining("no receiver is running") });
  });
});
