/**
 * The receiving side of a small fake centre, shared by the simulated and the real-socket tests: opens
 * uplink frames with a MapKeyRing, stores each (panel, seq) once in memory, and answers with a signed
 * ACK (or a NAK, or nothing) built with sealDownlink.
 */
import type { KeyObject } from "node:crypto";
import { MapKeyRing, frameRef, openUplink, parseTopic, sealDownlink, topics, type NakReason, type Signer, type UplinkPayload } from "../../protocol/index.js";

export type CentreMode = { kind: "ack" } | { kind: "silent" } | { kind: "nak"; reason: NakReason; times: number };

export interface Reply {
  readonly topic: string;
  readonly frame: Uint8Array;
}

export class CentreCore {
  readonly ring = new MapKeyRing();
  /** (panel, seq) -> payload, each stored once. */
  readonly store = new Map<string, UplinkPayload>();
  /** First arrivals in order. */
  readonly arrivals: UplinkPayload[] = [];
  duplicates = 0;
  rejected: string[] = [];
  mode: CentreMode = { kind: "ack" };

  constructor(
    readonly signer: Signer,
    /** Centre clock. */
    readonly now: () => number = Date.now,
  ) {}

  register(panel: string, kid: string, key: KeyObject): void {
    this.ring.add(kid, panel, key);
  }

  receive(topic: string, frame: Uint8Array): Reply | undefined {
    const t = parseTopic(topic);
    if (!t || t.kind !== "up") return undefined;
    let payload: UplinkPayload;
    try {
      payload = openUplink(frame, this.ring, { topicPanel: t.panel }).payload;
    } catch (e) {
      this.rejected.push((e as Error).message);
      return undefined;
    }
    const m = this.mode;
    if (m.kind === "silent") return undefined;
    if (m.kind === "nak" && m.times > 0) {
      m.times--;
      return this.reply(t.panel, { nak: { seq: payload.seq, reason: m.reason, ref: frameRef(frame) } });
    }
    const key = `${t.panel}:${payload.seq}`;
    if (this.store.has(key)) this.duplicates++;
    else {
      this.store.set(key, payload);
      this.arrivals.push(payload);
    }
    return this.reply(t.panel, { ack: { seqs: [payload.seq], refs: [frameRef(frame)] } });
  }

  private reply(panel: string, body: { ack: { seqs: number[]; refs: string[] } } | { nak: { seq: number; reason: NakReason; ref: string } }): Reply {
    return { topic: topics.down(panel), frame: sealDownlink({ v: 1, panel, sent: this.now(), ...body }, this.signer) };
  }

  /** Stored events of one panel in arrival order. */
  events(panel: string) {
    return this.arrivals.filter((p) => p.panel === panel && "events" in p).flatMap((p) => ("events" in p ? p.events.map((e) => ({ seq: p.seq, ...e })) : []));
  }
}
