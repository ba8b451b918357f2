/**
 * Evidence, on both stores: a batch frame's bytes are kept once however many events it carries (a frame of
 * one event keeps them on its row, as before), each
 * event reads back exactly the bytes its panel signed (the signature verifies over them, RFC 9052 §4.4),
 * and a regrouped resend is the evidence of its new events only.
 */
import { describe, expect, it } from "vitest";
import { MapKeyRing, generateEd25519, openUplink, privateKeyFromPem, publicKeyFromPem, sealUplink, type UplinkPayload } from "../../protocol/index.js";
import { frameEvents } from "../../simulator/centre/receiver/frame-events.js";
import type { PgCentreStore } from "../../simulator/centre/store-pg/pg-store.js";
import type { CentreStorePort } from "../../simulator/centre/store-pg/port.js";
import type { SqliteCentreStore } from "../../simulator/centre/store-pg/sqlite-store.js";
import { STORE_KINDS, useTwoReceivers } from "../support/centre-stores.js";

const T0 = Date.UTC(2026, 0, 1);
const keys = generateEd25519();
const signer = { kid: "k1", key: privateKeyFromPem(keys.privatePem) };
const ring = new MapKeyRing().add("k1", "P1", publicKeyFromPem(keys.publicPem));

const openClose = (user: number) => ({ code: 401, q: 3 as const, area: 1, user, at: T0 });
/** A batch frame of `seqs` as the gateway signs it, and the rows the receiver makes of it. */
function batch(seqs: number[], sent = T0): { bytes: Uint8Array; rows: ReturnType<typeof frameEvents> } {
  const payload: UplinkPayload = { v: 1, panel: "P1", seq: seqs[0]!, sent, events: seqs.map(openClose), ...(seqs.length > 1 ? { seqs } : {}) };
  const bytes = sealUplink(payload, signer);
  return { bytes, rows: frameEvents("P1", "k1", payload, bytes) };
}
const same = (x: Uint8Array | undefined, y: Uint8Array) => x !== undefined && Buffer.from(x).equals(Buffer.from(y));

/** Signed frames kept, read from the store's own table (not part of the port). */
async function keptFrames(s: CentreStorePort): Promise<number> {
  if (s.kind === "sqlite") return ((s as SqliteCentreStore).store.db.prepare("SELECT count(*) AS n FROM signed_frames").get() as { n: number }).n;
  return (await (s as PgCentreStore).db.query<{ n: number }>("SELECT count(*)::int AS n FROM signed_frames"))[0]!.n;
}

describe.each(STORE_KINDS)("centre store contract, evidence (%s)", (kind) => {
  const rx = useTwoReceivers(kind, { P1: "SP4" }, T0);

  it("a batch frame of 64 events is kept once; every event reads back its bytes, and they verify", async () => {
    const f = batch(Array.from({ length: 64 }, (_, i) => 100 + 2 * i));
    expect((await rx.a.frames.store(f.rows, T0, "r1")).every((o) => o.result === "stored")).toBe(true);
    expect(await keptFrames(rx.a)).toBe(1);
    for (const r of f.rows) {
      const bytes = await rx.b.frames.evidence("P1", r.seq);
      expect(same(bytes, f.bytes)).toBe(true);
      const opened = openUplink(bytes!, ring, { topicPanel: "P1" }).payload;
      expect("seqs" in opened && opened.seqs).toContain(r.seq);
    }
    // Either side of the batch: events it does not carry have no evidence.
    expect(await rx.b.frames.evidence("P1", 99)).toBeUndefined();
    expect(await rx.b.frames.evidence("P1", 101)).toBeUndefined();
  });

  it("frames of one event each keep their bytes on their rows, each its own", async () => {
    const one = [batch([0]), batch([1])];
    await rx.a.frames.store(one.flatMap((f) => f.rows), T0, "r1");
    expect(await keptFrames(rx.a)).toBe(0);
    expect(same(await rx.b.frames.evidence("P1", 0), one[0]!.bytes)).toBe(true);
    expect(same(await rx.b.frames.evidence("P1", 1), one[1]!.bytes)).toBe(true);
  });

  it("the same frame again, through another receiver: nothing stored, nothing kept", async () => {
    const f = batch([0, 1, 2]);
    await rx.a.frames.store(f.rows, T0, "r1");
    expect((await rx.b.frames.store(f.rows, T0 + 1, "r2")).map((o) => o.result)).toEqual(["duplicate", "duplicate", "duplicate"]);
    expect(await keptFrames(rx.b)).toBe(1);
  });

  it("a regrouped resend is kept as the evidence of its new events only; one with no new event is not kept", async () => {
    const first = batch([10, 11]);
    await rx.a.frames.store(first.rows, T0, "r1");
    const regrouped = batch([10, 11, 12, 13], T0 + 1); // another signed frame: other bytes
    expect((await rx.b.frames.store(regrouped.rows, T0 + 1, "r2")).map((o) => o.result)).toEqual(["duplicate", "duplicate", "stored", "stored"]);
    expect(await keptFrames(rx.a)).toBe(2);
    for (const seq of [10, 11]) expect(same(await rx.a.frames.evidence("P1", seq), first.bytes)).toBe(true);
    for (const seq of [12, 13]) expect(same(await rx.a.frames.evidence("P1", seq), regrouped.bytes)).toBe(true);
    const allOld = batch([11, 12], T0 + 2);
    expect((await rx.a.frames.store(allOld.rows, T0 + 2, "r1")).map((o) => o.result)).toEqual(["duplicate", "duplicate"]);
    expect(await keptFrames(rx.a)).toBe(2);
  });

  it("two frames of one commit, one new and one already stored: only the new one is kept", async () => {
    const old = batch([0, 1]);
    await rx.a.frames.store(old.rows, T0, "r1");
    const fresh = batch([2, 3]);
    expect((await rx.b.frames.store([...old.rows, ...fresh.rows], T0 + 1, "r2")).map((o) => o.result)).toEqual(["duplicate", "duplicate", "stored", "stored"]);
    expect(await keptFrames(rx.a)).toBe(2);
    expect(same(await rx.a.frames.evidence("P1", 3), fresh.bytes)).toBe(true);
  });

  it("two receivers storing the same batch frame at once: its events stored once, its bytes kept once", async () => {
    const f = batch(Array.from({ length: 16 }, (_, i) => i));
    const [x, y] = await Promise.all([rx.a.frames.store(f.rows, T0, "r1"), rx.b.frames.store(f.rows, T0, "r2")]);
    const stored = [...x!, ...y!].filter((o) => o.result === "stored");
    expect(stored).toHaveLength(16);
    expect(await keptFrames(rx.a)).toBe(1);
    expect(same(await rx.a.frames.evidence("P1", 15), f.bytes)).toBe(true);
  });

  it("a refused batch keeps no bytes", async () => {
    const f = batch([0, 1]);
    const bad = { ...f.rows[1]!, payload: { ...f.rows[1]!.payload, sent: 1n as unknown as number } };
    await expect(rx.a.frames.store([f.rows[0]!, bad], T0, "r1")).rejects.toMatchObject({ name: "StoreError", code: "store-failed" });
    expect(await keptFrames(rx.a)).toBe(0);
    expect(await rx.a.frames.evidence("P1", 0)).toBeUndefined();
  });
});
