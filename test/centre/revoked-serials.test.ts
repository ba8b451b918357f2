/**
 * The embedded broker's revocation check from memory: a revocation committed to the store is refused
 * from the first reload after it, so within one period (plus one load), never by a query per connection;
 * a failed reload keeps the last list. And the CRL the broker files carry reads back to the same serials.
 */
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import { RevokedSerials } from "../../simulator/centre/broker/revoked-serials.js";
import { MemoryLogger } from "../../simulator/centre/logger.js";
import { createCa } from "../../simulator/centre/pki/pki.js";
import { createCrl, crlSerials } from "../../simulator/centre/pki/pki-crl.js";

const PERIOD = 2_000;

function rig(initial: string[] = []) {
  const clock = new FakeClock();
  const store = { serials: [...initial], loads: 0, fail: false };
  const kicked: string[][] = [];
  const log = new MemoryLogger();
  const revoked = new RevokedSerials({
    clock,
    everyMs: PERIOD,
    logger: log,
    onRevoked: (s) => kicked.push([...s]),
    load: async () => {
      store.loads++;
      if (store.fail) throw new Error("store-unavailable: PostgreSQL unreachable");
      return [...store.serials];
    },
  });
  return { clock, store, kicked, log, revoked };
}

describe("revoked serials in memory (the embedded broker's TLS check)", () => {
  it("answers from the list loaded at start, in any case of hex, without a load per question", async () => {
    const { store, revoked } = rig(["ABCDEF01"]);
    await revoked.start();
    expect(store.loads).toBe(1);
    expect(revoked.has("abcdef01")).toBe(true);
    expect(revoked.has("ABCDEF01")).toBe(true);
    expect(revoked.has("ABCDEF02")).toBe(false);
    for (let i = 0; i < 100; i++) revoked.has("ABCDEF02");
    expect(store.loads).toBe(1);
    await revoked.stop();
  });

  it("a revocation is refused at the reload one period after the last, not 1 ms before; its sessions are named once", async () => {
    const { clock, store, kicked, revoked } = rig();
    await revoked.start();
    store.serials.push("1A2B"); // revoked in the store right after the start's load
    clock.advance(PERIOD - 1);
    await revoked.settled();
    expect(revoked.has("1a2b")).toBe(false);
    expect(kicked).toEqual([]);
    clock.advance(1);
    await revoked.settled();
    expect(revoked.has("1a2b")).toBe(true);
    expect(kicked).toEqual([["1a2b"]]);
    clock.advance(PERIOD);
    await revoked.settled();
    expect(store.loads).toBe(3);
    expect(kicked).toEqual([["1a2b"]]); // not named again
    await revoked.stop();
  });

  it("a failed reload keeps the last list and is retried at the next period; a failed start fails", async () => {
    const { clock, store, log, revoked } = rig(["01"]);
    await revoked.start();
    store.fail = true;
    store.serials.push("02");
    clock.advance(PERIOD);
    await revoked.settled();
    expect(revoked.has("01")).toBe(true);
    expect(revoked.has("02")).toBe(false);
    expect(log.matching(/not reloaded/)).toHaveLength(1);
    store.fail = false;
    clock.advance(PERIOD);
    await revoked.settled();
    expect(revoked.has("02")).toBe(true);
    await revoked.stop();

    const down = rig();
    down.store.fail = true;
    await expect(down.revoked.start()).rejects.toThrow(/store-unavailable/);
  });

  it("stops reloading once stopped", async () => {
    const { clock, store, revoked } = rig();
    await revoked.start();
    await revoked.stop();
    clock.advance(PERIOD * 3);
    expect(store.loads).toBe(1);
  });
});

describe("crlSerials", () => {
  it("reads back the serials createCrl listed, and none from an empty CRL; junk is a pki error", () => {
    const ca = createCa({ now: Date.UTC(2026, 0, 1) });
    const serials = ["1a2b3c4d5e6f708192a3b4c5d6e7f801", "7f00000000000000000000000000ff02"];
    expect(crlSerials(createCrl(ca, serials.map((serial, i) => ({ serial, at: Date.UTC(2026, 0, 2 + i) }))))).toEqual(serials);
    expect(crlSerials(createCrl(ca, []))).toEqual([]);
    expect(() => crlSerials("-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n")).toThrow(expect.objectContaining({ code: "pki" }));
  });
});
