/**
 * A panel whose outbox was lost starts its numbers again at 0; the centre NAKs a number it holds other
 * content under with `seq-reused` and `next` (protocol/schema.ts). The outbox renumbers in one
 * transaction, order and counter kept, numbers only ever moving up; the window sends again.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Cid, Qualifier, sealDownlink, type DownlinkPayload, type Event } from "../../protocol/index.js";
import { FakeClock } from "../../protocol/clock.js";
import { openDatabase, type Db } from "../../gateway/database.js";
import { handleAck } from "../../gateway/downlink/ack.js";
import { handleNak } from "../../gateway/downlink/nak.js";
import { routeDownlink } from "../../gateway/downlink/route-downlink.js";
import { Outbox } from "../../gateway/outbox.js";
import { burglary } from "./burglary.js";
import { flowing, linkParts } from "./link-parts.js";

const at = 1_700_000_000_000;
const openClose = (user: number): Event => ({ code: Cid.OpenClose, q: Qualifier.New, area: 1, user, at });

const dirs: string[] = [];
const dbs: Db[] = [];
afterEach(() => {
  for (const d of dbs.splice(0)) if (d.open) d.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fileOutbox(path?: string) {
  const file = path ?? join(mkdtempSync(join(tmpdir(), "seq-reused-")), "gw.db");
  if (path === undefined) dirs.push(join(file, ".."));
  const db = openDatabase(file);
  dbs.push(db);
  return { file, db, outbox: new Outbox(db, { clock: new FakeClock() }) };
}

const pending = (outbox: Outbox) => outbox.peek([-1, -1, -1, -1], 1000).map((r) => ({ seq: r.seq, zone: r.item.kind === "event" ? (r.item.event.zone ?? r.item.event.user) : -1 }));

describe("Outbox.renumber: the lowest pending seq becomes next, in one transaction", () => {
  it("moves every pending item up by one shift, order within and across classes kept, the counter with them", () => {
    const { outbox } = fileOutbox();
    outbox.enqueueMany([burglary(1), openClose(2), burglary(3)]); // 0, 1, 2
    outbox.remove([1]);
    expect(outbox.renumber(500)).toEqual({ shift: 500, pending: 2 });
    expect(pending(outbox)).toEqual([
      { seq: 500, zone: 1 },
      { seq: 502, zone: 3 },
    ]);
    expect(outbox.nextSeq).toBe(503);
    expect(outbox.enqueue(burglary(4))).toBe(503);
  });

  it("survives a restart: the numbers and the counter are on disk", () => {
    const { file, db, outbox } = fileOutbox();
    outbox.enqueueMany([burglary(1), burglary(2)]);
    outbox.renumber(40);
    db.close();
    const again = fileOutbox(file).outbox;
    expect(pending(again).map((p) => p.seq)).toEqual([40, 41]);
    expect(again.nextSeq).toBe(42);
  });

  it("numbers only move up: next at or below the lowest pending seq changes nothing (a replayed NAK)", () => {
    const { outbox } = fileOutbox();
    outbox.enqueueMany([burglary(1), burglary(2)]);
    expect(outbox.renumber(10)).toEqual({ shift: 10, pending: 2 });
    expect(outbox.renumber(10)).toEqual({ shift: 0, pending: 0 }); // the same NAK again: idempotent
    expect(outbox.renumber(3)).toEqual({ shift: 0, pending: 0 });
    expect(pending(outbox).map((p) => p.seq)).toEqual([10, 11]);
    expect(outbox.nextSeq).toBe(12);
    // One above the lowest: moves by one.
    expect(outbox.renumber(11)).toEqual({ shift: 1, pending: 2 });
    expect(pending(outbox).map((p) => p.seq)).toEqual([11, 12]);
  });

  it("a failed transaction leaves every number as it was", () => {
    const { db, outbox } = fileOutbox();
    outbox.enqueueMany([burglary(1), burglary(2)]);
    db.exec("CREATE TRIGGER no_meta BEFORE UPDATE ON meta BEGIN SELECT RAISE(ABORT, 'refused'); END");
    expect(() => outbox.renumber(100)).toThrow();
    expect(pending(outbox).map((p) => p.seq)).toEqual([0, 1]);
    expect(outbox.nextSeq).toBe(2);
  });
});

describe("NAK seq-reused (downlink/nak.ts)", () => {
  it("naming our frame: the outbox renumbers from next, the window's frames go again under the new numbers, a warning", () => {
    const p = flowing(3); // seqs 1, 2, 3 (the hello was 0)
    const sent = p.record("sent");
    const renumbered = p.record("renumbered");
    handleNak(p.ctx, p.seqs[0]!, "seq-reused", p.ref(p.seqs[0]!), p.clock.now(), 900);
    expect(renumbered).toEqual([{ next: 900, shift: 899, pending: 3 }]);
    expect(sent.map((s) => s.seq)).toEqual([900, 901, 902]);
    expect(p.carried().slice(-3).map((c) => c.seq)).toEqual([900, 901, 902]);
    expect(p.outbox.nextSeq).toBe(903);
    // An ACK for an old number no longer counts; the new numbers' ACK empties the outbox.
    const refused = p.record("refused");
    handleAck(p.ctx, 0, [p.seqs[0]!], ["0000000000000000"]);
    expect(refused.map((r) => r.code)).toEqual(["unanswered"]);
    handleAck(p.ctx, 0, [900, 901, 902], p.refs([900, 901, 902]));
    expect(p.outbox.depth().total).toBe(0);
  });

  it("the same NAK replayed after the renumbering changes nothing: it names no frame in flight", () => {
    const p = flowing(2);
    const ref = p.ref(p.seqs[0]!);
    handleNak(p.ctx, p.seqs[0]!, "seq-reused", ref, p.clock.now(), 50);
    const refused = p.record("refused");
    const renumbered = p.record("renumbered");
    handleNak(p.ctx, p.seqs[0]!, "seq-reused", ref, p.clock.now(), 80);
    expect(refused.map((r) => r.code)).toEqual(["unanswered"]);
    expect(renumbered).toEqual([]);
    expect(pending(p.outbox).map((x) => x.seq)).toEqual([50, 51]);
  });

  it("next not above the lowest pending seq: nothing renumbered, nothing resent", () => {
    const p = flowing(2); // 1, 2
    const sent = p.record("sent");
    handleNak(p.ctx, p.seqs[1]!, "seq-reused", p.ref(p.seqs[1]!), p.clock.now(), 1);
    expect(sent).toEqual([]);
    expect(pending(p.outbox).map((x) => x.seq)).toEqual([1, 2]);
    expect(p.window.size).toBe(2);
  });

  it("answering the hello: the hello is renumbered too and the outbox flows (the path is proved)", () => {
    const p = linkParts({ ackTimeoutMs: 1000 });
    p.outbox.enqueue(burglary(1)); // 0, queued behind the hello
    p.prober.reselect();
    const hello = p.carried()[0]!.seq; // 1
    expect(p.prober.holdsTraffic()).toBe(true);
    handleNak(p.ctx, hello, "seq-reused", p.ref(hello), p.clock.now(), 70);
    expect(p.prober.holdsTraffic()).toBe(false);
    expect(p.carried().slice(1).map((c) => c.seq)).toEqual([70, 71]);
  });

  it("routed: a signed seq-reused NAK carrying next acts; one naming a junk frame does not", () => {
    const p = flowing(1);
    const route = (body: object) => routeDownlink(p.ctx, { panel: "p1", centreKey: p.keys.centrePublic }, 0, sealDownlink({ v: 1, panel: "p1", sent: p.clock.now(), ...body } as DownlinkPayload, p.keys.centre), false);
    const renumbered = p.record("renumbered");
    route({ nak: { seq: p.seqs[0]!, reason: "seq-reused", ref: "00000000000000ff", next: 30 } });
    expect(renumbered).toEqual([]);
    route({ nak: { seq: p.seqs[0]!, reason: "seq-reused", ref: p.ref(p.seqs[0]!), next: 30 } });
    expect(renumbered).toEqual([{ next: 30, shift: 29, pending: 1 }]);
  });
});
