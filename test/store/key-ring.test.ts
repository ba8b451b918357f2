/**
 * The receiver's key ring over the async store: keys loaded before judging, cached for maxAge (a
 * revocation elsewhere reaches it within that: still cached at maxAge - 1 ms, re-read at maxAge), unknown
 * kids never cached, one query for many frames of one kid, and a lost store is the store's typed error.
 */
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import { generateEd25519, privateKeyFromPem, sealUplink } from "../../protocol/index.js";
import { CachedKeyRing } from "../../simulator/centre/store/key-ring.js";
import type { RegistryPort } from "../../simulator/centre/store-pg/port.js";
import { StoreError } from "../../simulator/centre/store/store-error.js";

const MAX_AGE = 30_000;
const pair = generateEd25519();

function registry(): Pick<RegistryPort, "frameKey"> & { keys: Map<string, string>; reads: number; down: boolean } {
  const r = {
    keys: new Map<string, string>([["kid-1", pair.publicPem]]),
    reads: 0,
    down: false,
    async frameKey(kid: string) {
      r.reads++;
      if (r.down) throw new StoreError("store-unavailable", "database down");
      const pem = r.keys.get(kid);
      return pem === undefined ? undefined : { panel: "P1", publicPem: pem };
    },
  };
  return r;
}

const frameOf = (kid: string) => sealUplink({ v: 1, panel: "P1", seq: 1, sent: 0, heartbeat: { areas: [], troubles: [], outbox: 0 } }, { kid, key: privateKeyFromPem(pair.privatePem) });

describe("CachedKeyRing", () => {
  it("prepare() loads the frame's key; lookup() then answers without the store", async () => {
    const reg = registry();
    const ring = new CachedKeyRing(reg, MAX_AGE, () => 0);
    expect(ring.lookup("kid-1")).toBeUndefined();
    await Promise.all([ring.prepare(frameOf("kid-1")), ring.prepare(frameOf("kid-1")), ring.prepare(frameOf("kid-1"))]);
    expect(reg.reads).toBe(1);
    expect(ring.lookup("kid-1")?.panel).toBe("P1");
  });

  it("a revocation elsewhere is seen once the cached key is maxAge old: not at maxAge - 1 ms, yes at maxAge", async () => {
    const reg = registry();
    const clock = new FakeClock();
    const ring = new CachedKeyRing(reg, MAX_AGE, () => clock.now());
    await ring.load("kid-1");
    reg.keys.delete("kid-1"); // revoked by another machine
    clock.advance(MAX_AGE - 1);
    await ring.load("kid-1");
    expect(ring.lookup("kid-1")).toBeDefined();
    clock.advance(1);
    await ring.load("kid-1");
    expect(ring.lookup("kid-1")).toBeUndefined();
  });

  it("unknown kids are not cached: a panel provisioned later is found at its first frame", async () => {
    const reg = registry();
    const ring = new CachedKeyRing(reg, MAX_AGE, () => 0);
    await ring.load("kid-2");
    expect(ring.lookup("kid-2")).toBeUndefined();
    reg.keys.set("kid-2", pair.publicPem);
    await ring.load("kid-2");
    expect(ring.lookup("kid-2")?.panel).toBe("P1");
  });

  it("a frame whose envelope does not parse is left to judgeFrame; a lost store rejects with store-unavailable", async () => {
    const reg = registry();
    const ring = new CachedKeyRing(reg, MAX_AGE, () => 0);
    await ring.prepare(new Uint8Array([1, 2, 3]));
    expect(reg.reads).toBe(0);
    reg.down = true;
    await expect(ring.prepare(frameOf("kid-1"))).rejects.toMatchObject({ code: "store-unavailable" });
    reg.down = false;
    await ring.prepare(frameOf("kid-1"));
    expect(ring.lookup("kid-1")).toBeDefined();
  });

  it("on a store that reads at once (SQLite): an unknown kid costs one read at prepare, and a failed read rejects instead of throwing", async () => {
    const reg = registry();
    let syncReads = 0;
    const ring = new CachedKeyRing(
      {
        frameKey: reg.frameKey,
        frameKeyNow: (kid) => {
          syncReads++;
          if (reg.down) throw new StoreError("store-unavailable", "database down");
          const pem = reg.keys.get(kid);
          return pem === undefined ? undefined : { panel: "P1", publicPem: pem };
        },
      },
      MAX_AGE,
      () => 0,
    );
    expect(ring.prepareKid("kid-9")).toBeUndefined();
    expect(syncReads).toBe(1);
    reg.down = true;
    let loading: Promise<void> | undefined;
    expect(() => (loading = ring.prepareKid("kid-1"))).not.toThrow();
    await expect(loading).rejects.toMatchObject({ code: "store-unavailable" });
    reg.down = false;
    expect(ring.prepareKid("kid-1")).toBeUndefined();
    expect(ring.lookup("kid-1")?.panel).toBe("P1");
    expect(reg.reads).toBe(0);
  });
});
