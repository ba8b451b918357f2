/** Remote support: user codes by signed command; the code is never stored, audited, answered or logged. */
import { afterEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import { generateEd25519, openDownlink, privateKeyFromPem, publicKeyFromPem, type Command } from "../../protocol/index.js";
import { MqttCommandSender } from "../../simulator/centre/services/command-sender.js";
import { apiFixture, type ApiFixture } from "./api-fixture.js";

/** The digits on their own (not inside a longer number, a decimal or a hex id such as a UUID). */
const standalone = (digits: string) => new RegExp(`(?<![0-9a-f.])${digits}(?![0-9a-f.])`);

let fx: ApiFixture;
afterEach(async () => fx?.close());

const TTL = 10 * 60_000;
/** A technician code's start, UTC ms. */
const T_FROM = Date.UTC(2026, 11, 1, 8);

async function setup() {
  fx = await apiFixture();
  const inst = await fx.services.installations.create("sam", { name: "Shop", address: "2 Main Street", timeZone: "Europe/Berlin" });
  await fx.services.installations.attachPanel("sam", inst.id, "P1");
  return inst.id;
}

describe("remote support over the API", () => {
  it("changing a code sends the signed command with the code; the panel's ok closes it; the code is nowhere else", async () => {
    const id = await setup();
    const r = await fx.call("oli", "POST", `/api/installations/${id}/remote-commands`, { type: "user-change", panel: "P1", user: 4, code: "482916" });
    expect(r.statusCode).toBe(200);
    const cmd = r.json();
    expect(cmd).toMatchObject({ type: "user-change", user: 4, state: "sent", requestedBy: "oli", expiresAt: fx.clock.now() + TTL });
    expect(fx.ports.commands.sent).toEqual([{ panel: "P1", cmd: { id: cmd.id, exp: cmd.expiresAt, type: "user-change", user: 4, code: "482916" } }]);
    await fx.services.remote.onResult("P1", { id: cmd.id, ok: true });
    expect(await fx.services.remote.get(cmd.id)).toMatchObject({ state: "ok", doneAt: fx.clock.now() });
    const everything =
      r.body +
      fx.logLines.join("") +
      JSON.stringify((await fx.db.all("SELECT * FROM svc_audit"))) +
      JSON.stringify((await fx.db.all("SELECT * FROM svc_remote_commands"))) +
      (await fx.call("oli", "GET", `/api/installations/${id}/remote-commands`)).body;
    expect(everything).not.toMatch(standalone("482916"));
  });

  it("adding a user carries the whole spec; a refusal by the panel marks it failed with the panel's reason", async () => {
    const id = await setup();
    const spec = { user: 7, code: "5599", name: "cleaner", areas: [1], perms: ["disarm"] };
    const cmd = (await fx.call("oli", "POST", `/api/installations/${id}/remote-commands`, { type: "user-add", panel: "P1", spec })).json();
    expect((fx.ports.commands.sent[0]!.cmd as Extract<Command, { type: "user-add" }>).spec).toEqual(spec);
    await fx.services.remote.onResult("P1", { id: cmd.id, ok: false, error: "user-exists" });
    expect(await fx.services.remote.get(cmd.id)).toMatchObject({ state: "failed", error: "user-exists" });
    expect(fx.logLines.join("") + JSON.stringify((await fx.db.all("SELECT * FROM svc_audit")))).not.toMatch(standalone("5599"));
  });

  it("unanswered: still sent 1 ms before the expiry, expired at it; a late result changes nothing", async () => {
    const id = await setup();
    const cmd = (await fx.call("oli", "POST", `/api/installations/${id}/remote-commands`, { type: "user-delete", panel: "P1", user: 3 })).json();
    await fx.advance(TTL - 1);
    expect((await fx.services.remote.get(cmd.id)).state).toBe("sent");
    await fx.advance(1);
    expect((await fx.services.remote.get(cmd.id)).state).toBe("expired");
    expect(await fx.services.remote.onResult("P1", { id: cmd.id, ok: true })).toBeUndefined();
    expect((await fx.services.remote.get(cmd.id)).state).toBe("expired");
  });

  it("a result naming the command from another panel is ignored", async () => {
    const id = await setup();
    const cmd = (await fx.call("oli", "POST", `/api/installations/${id}/remote-commands`, { type: "user-delete", panel: "P1", user: 3 })).json();
    expect(await fx.services.remote.onResult("P2", { id: cmd.id, ok: true })).toBeUndefined();
    expect((await fx.services.remote.get(cmd.id)).state).toBe("sent");
  });

  it("refuses a code that is not 4-8 digits and a panel of another installation, naming the field; nothing is sent", async () => {
    const id = await setup();
    const short = await fx.call("oli", "POST", `/api/installations/${id}/remote-commands`, { type: "user-change", panel: "P1", user: 4, code: "12" });
    expect(short.json()).toMatchObject({ error: "bad-input", field: "code" });
    expect(short.body).not.toContain('"12"');
    const other = await fx.call("oli", "POST", `/api/installations/${id}/remote-commands`, { type: "user-delete", panel: "P9", user: 4 });
    expect(other.json()).toMatchObject({ error: "bad-input", field: "panel" });
    expect(fx.ports.commands.sent).toEqual([]);
    expect(await fx.services.remote.list(id)).toEqual([]);
  });

  it("refuses a technician code whose validity ends before (or as) it begins: a user never valid; a window of 1 ms is sent", async () => {
    const id = await setup();
    const spec = { user: 6, code: "86420", areas: [1], perms: [] };
    for (const [validFrom, validUntil] of [[T_FROM, T_FROM - 1], [T_FROM, T_FROM]]) {
      const r = await fx.call("oli", "POST", `/api/installations/${id}/remote-commands`, { type: "user-add", panel: "P1", spec: { ...spec, validFrom, validUntil } });
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ error: "bad-input", field: "spec.validUntil" });
    }
    expect(fx.ports.commands.sent).toEqual([]);
    const ok = await fx.call("oli", "POST", `/api/installations/${id}/remote-commands`, { type: "user-add", panel: "P1", spec: { ...spec, validFrom: T_FROM, validUntil: T_FROM + 1 } });
    expect(ok.statusCode).toBe(200);
    expect(fx.ports.commands.sent).toHaveLength(1);
  });

  it("a sender that fails gives port-failed and the command is recorded as failed", async () => {
    const id = await setup();
    fx.ports.commands.send = async () => {
      throw new Error("broker unreachable");
    };
    const r = await fx.call("oli", "POST", `/api/installations/${id}/remote-commands`, { type: "user-delete", panel: "P1", user: 3 });
    expect(r.statusCode).toBe(502);
    expect(r.json().error).toBe("port-failed");
    expect((await fx.services.remote.list(id)).map((c) => c.state)).toEqual(["failed"]);
  });
});

describe("MQTT command sender", () => {
  it("publishes a command signed with the centre key on the panel's downlink topic, QoS 1, not retained", async () => {
    const keys = generateEd25519();
    const clock = new FakeClock();
    const published: { topic: string; message: Buffer; opts: unknown }[] = [];
    const sender = new MqttCommandSender({ publishAsync: async (topic, message, opts) => published.push({ topic, message, opts }) }, { kid: "centre", key: privateKeyFromPem(keys.privatePem) }, clock);
    const cmd: Command = { id: "c1", exp: clock.now() + TTL, type: "user-delete", user: 3 };
    await sender.send("P1", cmd);
    expect(published[0]!.topic).toBe("alarm/v1/P1/down");
    expect(published[0]!.opts).toEqual({ qos: 1, retain: false });
    const opened = openDownlink(new Uint8Array(published[0]!.message), { centre: { kid: "centre", key: publicKeyFromPem(keys.publicPem) }, panel: "P1" });
    expect(opened).toMatchObject({ panel: "P1", sent: clock.now(), cmd });
    expect(() => openDownlink(new Uint8Array(published[0]!.message), { centre: { kid: "centre", key: publicKeyFromPem(generateEd25519().publicPem) }, panel: "P1" })).toThrow();
  });
});
