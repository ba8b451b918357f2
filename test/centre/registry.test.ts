/** The centre's panel registry: frame keys (and how fast a revocation reaches a receiver), passwords, status. */
import { generateKeyPairSync } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateEd25519 } from "../../protocol/index.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { FakeClock } from "../../protocol/clock.js";

let store: CentreStore;
let clock: FakeClock;
beforeEach(() => {
  store = CentreStore.open(":memory:");
  clock = new FakeClock();
  store.registry.addPanel("P1", "SP4", clock.now());
});
afterEach(() => store.close());

describe("frame keys", () => {
  it("a revoked key stays usable at most maxAge in a receiver's cache: still at maxAge - 1 ms, gone at maxAge", () => {
    store.registry.addFrameKey("k1", "P1", generateEd25519().publicPem, clock.now());
    const ring = store.registry.keyRing(30_000, () => clock.now());
    expect(ring.lookup("k1")?.panel).toBe("P1");
    store.registry.revoke("P1", clock.now());
    clock.advance(29_999);
    expect(ring.lookup("k1")?.panel).toBe("P1");
    clock.advance(1);
    expect(ring.lookup("k1")).toBeUndefined();
  });

  it("finds a key registered after the ring was made, and refuses anything but an Ed25519 public key", () => {
    const ring = store.registry.keyRing();
    expect(ring.lookup("k2")).toBeUndefined();
    store.registry.addFrameKey("k2", "P1", generateEd25519().publicPem, clock.now());
    expect(ring.lookup("k2")?.panel).toBe("P1");
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "pem" }).toString();
    expect(() => store.registry.addFrameKey("k3", "P1", rsa, clock.now())).toThrow(expect.objectContaining({ code: "bad-key" }));
  });
});

describe("panel records", () => {
  it("checks demo passwords against a salted hash", () => {
    store.registry.setPassword("P1", "s3cret");
    expect(store.registry.checkPassword("P1", "s3cret")).toBe(true);
    expect(store.registry.checkPassword("P1", "s3cres")).toBe(false);
    expect(store.registry.checkPassword("P9", "s3cret")).toBe(false);
    expect(() => store.registry.setPassword("P9", "x")).toThrow(expect.objectContaining({ code: "unknown-panel" }));
    store.registry.revoke("P1", clock.now());
    expect(store.registry.checkPassword("P1", "s3cret")).toBe(false);
  });

  it("keeps the newest status (a late retained message does not overwrite a newer one)", () => {
    store.registry.setStatus("P1", "online", 2000);
    store.registry.setStatus("P1", "offline", 1000);
    expect(store.registry.panel("P1")).toMatchObject({ status: "online", statusAt: 2000 });
  });

  it("refuses a bad panel id, an unknown category and a second registration", () => {
    expect(() => store.registry.addPanel("a/b", "SP4", 0)).toThrow(expect.objectContaining({ code: "bad-argument" }));
    expect(() => store.registry.addPanel("P2", "XX" as never, 0)).toThrow(expect.objectContaining({ code: "bad-category" }));
    expect(() => store.registry.addPanel("P1", "SP4", 0)).toThrow(expect.objectContaining({ code: "already-exists" }));
  });
});
