/**
 * A verified frame as the rows the centre stores: one per event sequence number. A batch frame (several
 * events, each with its own seq: protocol/event-batch.ts) becomes one row per event, each with a
 * one-event payload under the event's own seq, so the store's UNIQUE(panel, seq) deduplicates per event:
 * a resend grouped otherwise stores nothing twice and loses nothing, alarms are raised only for events
 * new to the centre, and the gap detector sees every event's number. Every row carries the whole signed
 * frame as its evidence (the signature covers the event and its seq); the store keeps those bytes once
 * for all the rows of a batch frame (store/frame-store.ts). Any other frame is one row, as before.
 */
import { PROTOCOL_VERSION, type UplinkPayload } from "../../../protocol/index.js";
import type { FrameToStore } from "../store/frame-store.js";

export function frameEvents(panel: string, kid: string, payload: UplinkPayload, frame: Uint8Array): FrameToStore[] {
  if (!("events" in payload) || payload.seqs === undefined) return [{ panel, seq: payload.seq, kid, payload, frame }];
  const { events, sent } = payload;
  return payload.seqs.map((seq, i) => ({ panel, seq, kid, payload: { v: PROTOCOL_VERSION, panel: payload.panel, seq, sent, events: [events[i]!] }, frame }));
}
