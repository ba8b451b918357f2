/**
 * Sealing and opening of signed frames: the COSE_Sign1 envelope around an uplink or downlink payload,
 * with every receiver-side check in a fixed order (size, envelope, key, payload shape, signature,
 * payload, panel, time). The envelope and the payload bytes are pre-scanned (cbor-prescan.ts) before any
 * of them is decoded, and the payload's shape before the signature is checked, so a hostile frame costs
 * at most what a valid one does. Replay of sequence numbers is the receiver's state: see replay.ts.
 */
import type { KeyObject } from "node:crypto";
import { DOWNLINK_LIMITS, UPLINK_LIMITS, prescanCbor } from "./cbor-prescan.js";
import { parseSign1, signSign1, verifySign1 } from "./cose.js";
import { isBatched, parseEnvelope, signSign1Batch, verifyEnvelope } from "./cose-batch.js";
import { ProtocolError } from "./errors.js";
import { checkFreshness, type FreshnessWindow } from "./freshness.js";
import { decodeDownlinkPayload, encodeDownlinkPayload } from "./downlink.js";
import { decodeUplinkPayload, encodeUplinkPayload } from "./uplink.js";
import type { AckPayload, DownlinkPayload, UplinkPayload } from "./schema.js";

export interface Signer {
  readonly kid: string;
  readonly key: KeyObject;
}

/** A registered frame key: who it belongs to. */
export interface RegisteredKey {
  readonly panel: string;
  readonly key: KeyObject;
}

export interface KeyRing {
  lookup(kid: string): RegisteredKey | undefined;
}

export class MapKeyRing implements KeyRing {
  private readonly keys = new Map<string, RegisteredKey>();
  add(kid: string, panel: string, key: KeyObject): this {
    this.keys.set(kid, { panel, key });
    return this;
  }
  remove(kid: string): void {
    this.keys.delete(kid);
  }
  lookup(kid: string): RegisteredKey | undefined {
    return this.keys.get(kid);
  }
}

export function sealUplink(payload: UplinkPayload, signer: Signer): Uint8Array {
  return signSign1(encodeUplinkPayload(payload), signer.key, signer.kid);
}

export interface OpenUplinkOptions {
  /** The panel id of the topic the frame arrived on; the key and payload must belong to it. */
  readonly topicPanel?: string;
  /** Receiver clock, UTC ms; when given the transmission time must be within `window`. */
  readonly now?: number;
  readonly window?: FreshnessWindow;
}

export interface OpenedUplink {
  readonly kid: string;
  readonly payload: UplinkPayload;
}

export function openUplink(frame: Uint8Array, ring: KeyRing, opts: OpenUplinkOptions = {}): OpenedUplink {
  const parsed = parseSign1(frame);
  const reg = ring.lookup(parsed.kid);
  if (!reg) throw new ProtocolError("unknown-key", `kid ${JSON.stringify(parsed.kid)} is not registered`);
  if (opts.topicPanel !== undefined && reg.panel !== opts.topicPanel) {
    throw new ProtocolError("unknown-key", `kid ${JSON.stringify(parsed.kid)} does not belong to panel ${opts.topicPanel}`);
  }
  prescanCbor(parsed.payload, UPLINK_LIMITS, "uplink payload");
  verifySign1(parsed, reg.key);
  const payload = decodeUplinkPayload(parsed.payload);
  if (payload.panel !== reg.panel) throw new ProtocolError("wrong-panel", `payload names panel ${payload.panel}, key belongs to ${reg.panel}`);
  if (opts.now !== undefined) {
    try {
      checkFreshness(payload.sent, opts.now, opts.window);
    } catch (e) {
      // A stale frame is authentic: name its panel and sequence number, so the receiver can NAK it with
      // its own time (SIA DC-09 style) and the panel can correct its clock and resend.
      if (e instanceof ProtocolError) throw new ProtocolError(e.code, e.message, { ...e.detail, panel: payload.panel, seq: payload.seq });
      throw e;
    }
  }
  return { kid: parsed.kid, payload };
}

export function sealDownlink(payload: DownlinkPayload, signer: Signer): Uint8Array {
  return signSign1(encodeDownlinkPayload(payload), signer.key, signer.kid);
}

/**
 * Seal the ACKs of one group commit with one signature (cose-batch.ts: a Merkle tree over their payloads,
 * RFC 9162 §2.1): frame i carries acks[i]; a lone ACK is a plain COSE_Sign1, byte for byte as sealDownlink.
 */
export function sealDownlinkAcks(acks: readonly AckPayload[], signer: Signer): Uint8Array[] {
  return signSign1Batch(acks.map(encodeDownlinkPayload), signer.key, signer.kid);
}

export interface OpenDownlinkOptions {
  /** The pinned centre key (and its kid); frames signed by anything else are refused. */
  readonly centre: { readonly kid: string; readonly key: KeyObject };
  /** This panel's id: a frame for another panel is refused. */
  readonly panel: string;
  /** Panel clock; when given, the centre's time must be within `window`. A NAK or time-sync is
   *  exactly how a panel with a wrong clock learns the right one, so callers skip this for those. */
  readonly now?: number;
  readonly window?: FreshnessWindow;
}

/**
 * Open a downlink frame in either form: plain, or batched (cose-batch.ts) when it carries an ACK; a
 * batched frame carrying anything else (a NAK, a command) is refused as malformed: only ACKs are sealed
 * in batches, so one is either forged or from a centre that does not follow this contract.
 */
export function openDownlink(frame: Uint8Array, opts: OpenDownlinkOptions): DownlinkPayload {
  const parsed = parseEnvelope(frame);
  if (parsed.kid !== opts.centre.kid) throw new ProtocolError("unknown-key", `kid ${JSON.stringify(parsed.kid)} is not the pinned centre key`);
  prescanCbor(parsed.payload, DOWNLINK_LIMITS, "downlink payload");
  verifyEnvelope(parsed, opts.centre.key);
  const payload = decodeDownlinkPayload(parsed.payload);
  if (isBatched(parsed) && !("ack" in payload)) throw new ProtocolError("malformed", "a batched frame may carry only an ACK");
  if (payload.panel !== opts.panel) throw new ProtocolError("wrong-panel", `frame is for panel ${payload.panel}, not ${opts.panel}`);
  if (opts.now !== undefined) checkFreshness(payload.sent, opts.now, opts.window);
  return payload;
}
