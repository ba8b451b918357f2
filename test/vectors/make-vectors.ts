// Regenerates v1.json. Run only when the wire format changes on purpose: `npx tsx test/vectors/make-vectors.ts`.
import { readFileSync, writeFileSync } from "node:fs";
import { frameRef, privateKeyFromPem, sealUplink, sealDownlink, sealDownlinkAcks } from "../../protocol/index.js";
const dir = "test/vectors";
const panelKey = privateKeyFromPem(readFileSync(`${dir}/panel-0001.key.pem`));
const centreKey = privateKeyFromPem(readFileSync(`${dir}/centre.key.pem`));
const t = 1795667400000;
const up = [
  { name: "single burglary alarm", payload: { v: 1, panel: "panel-0001", seq: 123456, sent: t, events: [{ code: 130, q: 1, area: 1, zone: 12, at: t - 150 }] } },
  { name: "duress by user 7 and restore of AC loss", payload: { v: 1, panel: "panel-0001", seq: 7, sent: t, events: [{ code: 121, q: 1, area: 2, user: 7, at: t - 2000 }, { code: 301, q: 3, area: 0, at: t - 61000 }] } },
  { name: "heartbeat", payload: { v: 1, panel: "panel-0001", seq: 4294967296, sent: t, heartbeat: { areas: [{ area: 1, mode: "away" }, { area: 2, mode: "disarmed" }], troubles: [301], outbox: 3 } } },
  { name: "command result", payload: { v: 1, panel: "panel-0001", seq: 9, sent: t, result: { id: "cmd-42", ok: false, error: "unknown-user" } } },
  // A batch frame (protocol/event-batch.ts): three open/close events of a backlog, each with its own seq.
  { name: "batch of three closings", payload: { v: 1, panel: "panel-0001", seq: 20, sent: t, events: [{ code: 401, q: 3, area: 1, user: 3, at: t - 3_600_000 }, { code: 401, q: 3, area: 2, user: 3, at: t - 3_590_000 }, { code: 401, q: 1, area: 1, user: 4, at: t - 1_800_000 }], seqs: [20, 21, 24] } },
];
const upFrames = up.map((v) => sealUplink(v.payload as never, { kid: "panel-0001", key: panelKey }));
/** Answers name the exact uplink vectors they answer (protocol/frame-ref.ts). */
const ref = (i: number) => frameRef(upFrames[i]!);
const down = [
  { name: "ack", payload: { v: 1, panel: "panel-0001", sent: t, ack: { seqs: [123456, 7], refs: [ref(0), ref(1)] } } },
  { name: "nak stale", payload: { v: 1, panel: "panel-0001", sent: t, nak: { seq: 9, reason: "stale", ref: ref(3) } } },
  { name: "add user command", payload: { v: 1, panel: "panel-0001", sent: t, cmd: { id: "cmd-43", exp: t + 300000, type: "user-add", spec: { user: 5, code: "482913", name: "Anna", areas: [1, 2], perms: ["disarm", "bypass"] } } } },
  { name: "ack of a batch frame", payload: { v: 1, panel: "panel-0001", sent: t, ack: { seqs: [20], refs: [ref(4)] } } },
  // The centre holds other events under 123456 (the panel's outbox was lost): number on from 123460.
  { name: "nak seq-reused", payload: { v: 1, panel: "panel-0001", sent: t, nak: { seq: 123456, reason: "seq-reused", ref: ref(0), next: 123460 } } },
];
/**
 * One commit's ACKs under one signature (protocol/cose-batch.ts): panel-0001's ACK of the alarm vector,
 * between two other panels' ACKs, leaves 0..2 of an RFC 9162 tree of three.
 */
const batched = [
  { name: "batched ack, leaf 0 of 3 (another panel)", payload: { v: 1, panel: "panel-0002", sent: t, ack: { seqs: [41], refs: ["0102030405060708"] } } },
  { name: "batched ack, leaf 1 of 3", payload: { v: 1, panel: "panel-0001", sent: t, ack: { seqs: [123456], refs: [ref(0)] } } },
  { name: "batched ack, leaf 2 of 3 (another panel)", payload: { v: 1, panel: "panel-0003", sent: t, ack: { seqs: [5, 6], refs: ["1112131415161718", "2122232425262728"] } } },
];
const batchedFrames = sealDownlinkAcks(batched.map((b) => b.payload as never), { kid: "centre", key: centreKey });
const out = {
  note: "Known-answer vectors for protocol v1. Ed25519 signatures are deterministic (RFC 8032), so a fixed key and payload give exactly these bytes.",
  uplinkKey: { kid: "panel-0001", private: "panel-0001.key.pem", public: "panel-0001.pub.pem" },
  downlinkKey: { kid: "centre", private: "centre.key.pem", public: "centre.pub.pem" },
  uplink: up.map((v, i) => ({ ...v, frame: Buffer.from(upFrames[i]!).toString("hex") })),
  downlink: down.map((v) => ({ ...v, frame: Buffer.from(sealDownlink(v.payload as never, { kid: "centre", key: centreKey })).toString("hex") })),
  batchedAcks: batched.map((v, i) => ({ ...v, frame: Buffer.from(batchedFrames[i]!).toString("hex") })),
};
writeFileSync(`${dir}/v1.json`, JSON.stringify(out, null, 2) + "\n");
console.log(out.uplink.map((u) => [u.name, u.frame.length / 2]));
