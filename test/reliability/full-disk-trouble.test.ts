/**
 * The whole device on a disk that fills and frees: events the outbox refuses (SQLITE_FULL) are held by the
 * device and stored again when space returns, none lost and in the panel's order; meanwhile the panel
 * shows the event storage fault 354 (EN 50131-1 8.9), whose restore is stored after the held events.
 * The full disk is SQLite's own page limit (PRAGMA max_page_count), which gives the same SQLITE_FULL as a
 * full file system (see full-disk.test.ts for the tmpfs variant at the gateway).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig, type PanelConfigInput } from "../../firmware/index.js";
import type { Db } from "../../gateway/database.js";
import { startDevice, type RunningDevice } from "../../gateway/device/start-device.js";
import { FakeClock } from "../../protocol/clock.js";
import { Cid, generateEd25519, privateKeyFromPem, publicKeyFromPem, type Event } from "../../protocol/index.js";
import { simBoardFor } from "../../simulator/board/sim-board.js";
import { SimBroker, simConnector } from "../../simulator/board/sim-connector.js";

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const config = parseConfig({ io: "sim", areas: [{ area: 1 }], zones: [{ zone: 1, type: "instant", pin: 2, areas: [1] }] } as PanelConfigInput);
const panelKeys = generateEd25519();
const centreKeys = generateEd25519();

async function device() {
  const dir = mkdtempSync(join(tmpdir(), "full-disk-trouble-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const clock = new FakeClock(1_700_000_000_000);
  const broker = new SimBroker("mqtt://sim:1883", clock);
  const stored: { e: Event; seq: number }[] = [];
  const d: RunningDevice = await startDevice({
    config,
    link: {
      panel: "d1",
      category: "SP4",
      signer: { kid: "d1-key", key: privateKeyFromPem(panelKeys.privatePem) },
      centreKey: { kid: "centre", key: publicKeyFromPem(centreKeys.publicPem) },
      broker: { url: broker.url },
    },
    dataDir: dir,
    io: simBoardFor(config),
    clock,
    connector: simConnector([broker]),
    onReport: (e, seq) => stored.push({ e, seq }),
  });
  cleanups.push(() => d.stop());
  // The boot report (305) came before this listener: it is the first stored.
  const reported: Event[] = stored.map((s) => s.e);
  d.panel.on("report", (e) => reported.push(e));
  const db = (d.gateway as unknown as { db: Db }).db;
  const fill = () => db.pragma(`max_page_count = ${db.pragma("page_count", { simple: true }) as number}`);
  const free = () => db.pragma("max_page_count = 1073741823");
  return { d, clock, stored, reported, fill, free };
}

const key = (e: Event) => `${e.code}/${e.q}@${e.at}`;

describe("a full disk under the outbox is a panel trouble (354)", () => {
  it("refused events are held and stored in order when space returns, then 354 restores; nothing lost", async () => {
    const { d, clock, stored, reported, fill, free } = await device();
    clock.advance(2);
    fill();
    // Mains flickering while the disk is full: 301 new/restore pairs until the outbox refuses one.
    let ok = true;
    for (let i = 0; i < 400 && d.hold.held === 0; i++) {
      clock.advance(10);
      d.panel.input({ type: "ac", ok: (ok = !ok) });
    }
    expect(d.hold.held).toBeGreaterThan(0);
    expect(d.panel.summary().troubles).not.toContain(Cid.FailureToCommunicate);
    clock.advance(0); // the fault reaches the panel on its own timer
    expect(d.panel.summary().troubles).toContain(Cid.FailureToCommunicate);
    expect(d.panel.view().outputs.troubleLed).toBe(true);
    const heldAtFault = d.hold.held;
    expect(reported.at(-1)).toMatchObject({ code: Cid.FailureToCommunicate, q: 1 }); // itself held: the disk is full
    for (let i = 0; i < 5; i++) d.panel.input({ type: "ac", ok: (ok = !ok) });
    expect(d.hold.held).toBe(heldAtFault + 5);

    clock.advance(20_000); // four retries on a full disk: nothing more stored, nothing dropped
    expect(d.hold.held).toBe(heldAtFault + 5);
    free();
    const before = stored.length;
    clock.advance(4_999);
    expect(stored.length).toBe(before);
    clock.advance(1); // the next retry: the held events in order, then the fault's restore
    expect(d.hold.held).toBe(0);
    expect(d.hold.dropped).toBe(0);
    expect(d.panel.summary().troubles).not.toContain(Cid.FailureToCommunicate);
    expect(reported.at(-1)).toMatchObject({ code: Cid.FailureToCommunicate, q: 3 });

    // Every event the panel reported is stored once, in the panel's order, with rising sequence numbers.
    expect(stored.map((s) => key(s.e))).toEqual(reported.map(key));
    expect(stored.map((s) => s.seq)).toEqual([...stored.map((s) => s.seq)].sort((a, b) => a - b));
    expect(new Set(stored.map((s) => s.seq)).size).toBe(stored.length);
    expect(stored.at(-1)!.e).toMatchObject({ code: Cid.FailureToCommunicate, q: 3 });
    console.log(`[full disk trouble] ${heldAtFault + 5} events held while full, ${stored.length} of ${reported.length} reported events stored in order`);
  });
});
