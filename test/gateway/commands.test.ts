import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generateEd25519, privateKeyFromPem, type Command } from "../../protocol/index.js";
import { testKeys } from "./keys.js";
import { harness, PANEL } from "./sim-harness.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function results(h: ReturnType<typeof harness>) {
  return h.centre.arrivals.filter((p) => p.panel === PANEL && "result" in p).map((p) => ("result" in p ? p.result : undefined));
}

async function started(opts: Parameters<typeof harness>[0] = {}) {
  const h = harness(opts);
  await h.gw.start();
  h.clock.advance(1);
  const refused: string[] = [];
  h.gw.on("refused", (r) => refused.push(r.code));
  return { ...h, refused };
}

const disarm = (h: { clock: { now(): number } }, id = "c1"): Command => ({ id, exp: h.clock.now() + 60_000, type: "disarm", area: 1 });

describe("downlink commands", () => {
  it("executes a signed, fresh command through the handler and uplinks its result", async () => {
    const h = await started();
    h.down({ cmd: disarm(h) });
    h.clock.advance(5);
    expect(h.commands).toEqual([disarm(h, "c1")].map((c) => ({ ...c, exp: h.commands[0]!.exp })));
    expect(results(h)).toEqual([{ id: "c1", ok: true }]);
    await h.gw.stop();
  });

  it("never acts on a retained downlink message", async () => {
    const h = await started();
    h.down({ cmd: disarm(h) }, { retain: true });
    h.clock.advance(5);
    expect(h.commands).toEqual([]);
    expect(h.refused).toEqual(["retained"]);
    expect(results(h)).toEqual([]);
    await h.gw.stop();
  });

  it("refuses a command signed by another key under the centre's kid, and one under an unknown kid", async () => {
    const h = await started();
    const forger = { kid: h.keys.centre.kid, key: privateKeyFromPem(generateEd25519().privatePem) };
    h.down({ cmd: disarm(h) }, { signer: forger });
    h.down({ cmd: disarm(h, "c2") }, { signer: { ...forger, kid: "intruder" } });
    h.clock.advance(5);
    expect(h.commands).toEqual([]);
    expect(h.refused).toEqual(["bad-signature", "unknown-key"]);
    await h.gw.stop();
  });

  it("refuses an unsigned message (a bare CBOR command, or garbage)", async () => {
    const h = await started();
    const { encodeCanonical } = await import("../../protocol/index.js");
    h.brokers[0]!.deliver(`alarm/v1/${PANEL}/down`, encodeCanonical(new Map<number, string | number>([[0, 1], [1, PANEL], [2, h.clock.now()]])));
    h.brokers[0]!.deliver(`alarm/v1/${PANEL}/down`, new Uint8Array([0xff, 0x00, 0x13]));
    h.clock.advance(5);
    expect(h.commands).toEqual([]);
    expect(h.refused).toEqual(["malformed", "malformed"]);
    await h.gw.stop();
  });

  it("refuses a frame addressed to another panel", async () => {
    const h = await started();
    // Build the frame for panel p2 but deliver it on p1's topic.
    const { sealDownlink } = await import("../../protocol/index.js");
    h.brokers[0]!.deliver(`alarm/v1/${PANEL}/down`, sealDownlink({ v: 1, panel: "p2", sent: h.clock.now(), cmd: disarm(h) }, h.keys.centre));
    h.clock.advance(5);
    expect(h.refused).toEqual(["wrong-panel"]);
    await h.gw.stop();
  });

  it("refuses stale (centre time beyond +20 s) and expired commands, answering ok:false with the reason", async () => {
    const h = await started();
    // Delivered 1 ms later, so the skew on arrival is one less than the offset given here.
    h.down({ cmd: disarm(h, "stale"), sent: h.clock.now() + 20_002 });
    h.down({ cmd: disarm(h, "fresh-edge"), sent: h.clock.now() + 20_001 });
    h.down({ cmd: { ...disarm(h, "expired"), exp: h.clock.now() } });
    h.clock.advance(10);
    expect(h.commands.map((c) => c.id)).toEqual(["fresh-edge"]);
    expect(results(h)).toEqual([
      { id: "stale", ok: false, error: "stale" },
      { id: "fresh-edge", ok: true },
      { id: "expired", ok: false, error: "expired" },
    ]);
    await h.gw.stop();
  });

  it("executes a command id once, also across a restart (executed ids are on disk)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gw-cmd-"));
    dirs.push(dir);
    const keys = testKeys();
    const db = join(dir, "gw.db");
    const h = await started({ db, keys });
    const cmd = disarm(h, "once");
    h.down({ cmd });
    h.down({ cmd });
    h.clock.advance(5);
    expect(h.commands).toHaveLength(1);
    expect(h.refused).toEqual(["replay"]);
    expect(results(h)).toEqual([{ id: "once", ok: true }]);
    await h.gw.stop();

    const h2 = await started({ db, keys });
    h2.down({ cmd: { ...cmd, exp: h2.clock.now() + 60_000 } });
    h2.clock.advance(5);
    expect(h2.commands).toEqual([]);
    expect(h2.refused).toEqual(["replay"]);
    await h2.gw.stop();
  });

  it("a handler that throws gives ok:false with the stable code internal, not its message", async () => {
    const h = await started({
      overrides: {
        onCommand: () => {
          throw new Error("area 1 has an open zone");
        },
      },
    });
    h.down({ cmd: { id: "arm1", exp: h.clock.now() + 60_000, type: "arm", area: 1, mode: "away" } });
    h.clock.advance(5);
    expect(results(h)).toEqual([{ id: "arm1", ok: false, error: "internal" }]);
    await h.gw.stop();
  });

  it("a time-sync corrects the clock even when the gateway's clock is far off", async () => {
    const h = await started();
    h.clock.advance(5); // the hello acknowledged
    h.centre.skewMs = 3_600_000; // then the centre's clock is an hour ahead of the gateway's
    const offsets: number[] = [];
    h.gw.on("clock", (c) => offsets.push(c.offsetMs));
    h.down({ cmd: { id: "ts1", exp: h.clock.now() + 3_600_000 + 60_000, type: "time-sync" } });
    h.clock.advance(5);
    expect(offsets).toHaveLength(1);
    expect(Math.abs(offsets[0]! - 3_600_000)).toBeLessThanOrEqual(2);
    expect(results(h)).toEqual([{ id: "ts1", ok: true }]);
    await h.gw.stop();
  });
});
