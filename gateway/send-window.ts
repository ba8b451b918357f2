/**
 * The send window: keeps up to `window` outbox items in flight on the active path and retransmits an
 * item with the same sequence number and a fresh signature and transmission time when its signed ACK
 * does not arrive within `ackTimeoutMs` (SIA DC-09: a message unacknowledged within the timeout is
 * repeated; the receiver recognises the repeat by its sequence number).
 *
 * Probing: after an ACK timeout (or a new path) only one frame, the first in delivery order, is on the
 * wire until an ACK arrives; then the window opens again and what waited is resent in delivery order.
 * TCP's slow start, reduced to its essence: a broker that was restarted drops frames until the centre
 * has subscribed again, and a full window sent into that gap would let later frames of a class be
 * stored before earlier ones, breaking delivery in order within a class.
 *
 * Spurious timeouts (RFC 5682, F-RTO): a timeout can fire while the ACKs are already on their way (an
 * event loop held busy past `ackTimeoutMs`). The first ACK after it names the probe, and cannot tell
 * whether it answers the probe or its first transmission. So the frames that waited are not resent at
 * once: for twice the smoothed round trip (RFC 6298 §2, sampled only from frames answered on their only
 * transmission, Karn's rule, RFC 6298 §3; at most `ackTimeoutMs`), an ACK of a frame that was never
 * resent proves the timeout spurious, and they keep their first transmission (with a fresh timeout)
 * instead of going twice. Only if no such ACK comes are they resent, in delivery order.
 */
import type { EventEmitter } from "node:events";
import { frameRef, isProtocolError, sealUplink, topics, type Signer, type Trace, type UplinkPayload } from "../protocol/index.js";
import type { Clock, Timer } from "../protocol/clock.js";
import { InFlightWindow, type InFlight } from "./in-flight.js";
import { WindowSize } from "./window-size.js";
import type { LinkEvents } from "./link-events.js";
import type { LinkPath } from "./link-path.js";
import type { Outbox, OutboxRecord } from "./outbox.js";

export interface SendWindowOptions {
  readonly panel: string;
  readonly signer: Signer;
  readonly clock: Clock;
  readonly outbox: Outbox;
  readonly window: number;
  /** Growth limit of the window (window-size.ts); default `window`. */
  readonly maxWindow?: number;
  readonly ackTimeoutMs: number;
  /** Centre-corrected time for the frames' `sent`. */
  readonly now: () => number;
  readonly events: EventEmitter<LinkEvents>;
  /** Where frames go now: the active path and its index, or undefined when none is up. */
  readonly route: () => { readonly index: number; readonly path: LinkPath } | undefined;
  /** An ACK timeout passed: true when the path was found failing and traffic moved (nothing to resend here). */
  readonly ackTimedOut: () => boolean;
  /** The window opened later than an ACK (after the wait for a spurious timeout's proof): fill it. */
  readonly refill?: () => void;
  /** Per-stage tracing (protocol/trace.ts); off when absent. */
  readonly trace?: Trace;
}

/** Refs kept per frame (its last transmissions). */
const REFS_KEPT = 8;
/** Seqs whose earlier transmissions are remembered outside the window. */
const OUTSIDE_KEPT = 256;

export class SendWindow {
  private readonly inflight = new InFlightWindow();
  private readonly sizing: WindowSize;
  private probingNow = true;
  /**
   * Transmissions whose answer still counts though the frame is not in the window: the idle alternative
   * path's heartbeat, and frames in flight when the window last restarted (their ACK may come after the
   * reconnect). seq -> refs; the oldest seqs are forgotten past OUTSIDE_KEPT.
   */
  private readonly outside = new Map<number, string[]>();
  /** Smoothed round trip of frames acknowledged on their only transmission (RFC 6298 §2, Karn's rule), ms. */
  private srttMs: number | undefined;
  /** While probing: an ACK named a frame that timed out but was never resent (the timeout was spurious). */
  private spurious = false;
  /** While probing: the wait for proof of a spurious timeout before the waiting frames are resent. */
  private recovery: Timer | undefined;

  constructor(private readonly o: SendWindowOptions) {
    this.sizing = new WindowSize(o.window, o.maxWindow ?? o.window);
  }

  /** Frames the window may hold now (grows during a drain, see window-size.ts). */
  get limit(): number {
    return this.sizing.limit;
  }

  get size(): number {
    return this.inflight.size;
  }

  get probing(): boolean {
    return this.probingNow;
  }

  /** When the oldest frame still waiting was first sent (Infinity when none). */
  oldestFirstSent(): number {
    return this.inflight.oldestFirstSent();
  }

  /** A new path or connection: forget what was in flight (it stays in the outbox) and probe first. */
  restart(): void {
    for (const f of this.inflight.all()) this.remember(f.rec.seq, f.refs);
    this.inflight.reset();
    this.sizing.reset();
    this.endRecovery();
    this.probingNow = true;
  }

  stop(): void {
    this.inflight.reset();
    this.endRecovery();
  }

  /** Fill the window from the outbox in delivery order (one frame while probing). */
  fill(): void {
    const window = this.probingNow ? 1 : this.sizing.limit;
    while (this.inflight.size < window) {
      const recs = this.o.outbox.peek(this.inflight.cursors, window - this.inflight.size);
      if (recs.length === 0) {
        // Nothing in flight and nothing waiting: the backlog is gone, the next one starts small.
        if (this.inflight.size === 0) this.sizing.reset();
        return;
      }
      for (const rec of recs) this.transmit(this.inflight.add(rec));
    }
  }

  /** Send one record outside the class order (the hello): its class cursor stays, so nothing queued before it is skipped. */
  sendOutOfOrder(rec: OutboxRecord): void {
    this.transmit(this.inflight.add(rec, false));
  }

  /** Send a frame in flight again at once (after a `stale` NAK corrected the clock). */
  resend(seq: number): void {
    const f = this.inflight.get(seq);
    if (f) this.transmit(f);
  }

  /** A frame sent outside the window (the idle alternative's heartbeat): its answer is expected too. */
  sentOutside(seq: number, frame: Uint8Array): void {
    this.remember(seq, [frameRef(frame)]);
  }

  private remember(seq: number, refs: readonly string[]): void {
    if (refs.length === 0) return;
    this.outside.set(seq, [...(this.outside.get(seq) ?? []), ...refs].slice(-REFS_KEPT));
    while (this.outside.size > OUTSIDE_KEPT) this.outside.delete(this.outside.keys().next().value!);
  }

  /**
   * Whether an answer naming (seq, ref) answers a frame this gateway sent and still waits on: one of the
   * frame's own transmissions. Anything else (a ref of a junk frame someone else published with this
   * seq, an old answer replayed) is not an answer to us.
   */
  answers(seq: number, ref: string): boolean {
    return this.inflight.get(seq)?.refs.includes(ref) === true || this.outside.get(seq)?.includes(ref) === true;
  }

  /**
   * Take the frames an ACK answers off the window: only pairs naming one of our transmissions count.
   * Returns the seqs answered (for the outbox) and the round-trip time of each one that was in flight.
   */
  acknowledge(seqs: readonly number[], refs: readonly string[]): { answered: number[]; done: { seq: number; rttMs: number }[] } {
    const now = this.o.clock.now();
    const answered: number[] = [];
    const full = this.inflight.size >= this.sizing.limit;
    const done: { seq: number; rttMs: number }[] = [];
    seqs.forEach((seq, i) => {
      if (!this.answers(seq, refs[i]!)) return;
      answered.push(seq);
      this.outside.delete(seq);
      const f = this.inflight.remove(seq);
      if (!f) return;
      const rttMs = now - f.sentAt;
      done.push({ seq, rttMs });
      if (f.attempts === 1) this.srttMs = this.srttMs === undefined ? rttMs : this.srttMs + (rttMs - this.srttMs) / 8;
      if (this.probingNow && f.due) this.spurious = true;
    });
    if (done.length > 0 && !this.probingNow) this.sizing.acked(done.length, now, full);
    return { answered, done };
  }

  /** Take a frame off the window without an ACK (the centre refused it for good). */
  forget(seq: number): void {
    this.inflight.remove(seq);
  }

  /**
   * An ACK proved the path: open the window. Frames whose timeout passed while the probe was out are
   * resent in delivery order, unless the timeout proves spurious (see the file comment).
   */
  endProbing(): void {
    if (!this.probingNow) return;
    const due = this.inflight.due();
    if (due.length === 0 || this.spurious) {
      this.endRecovery();
      this.probingNow = false;
      // Their first transmissions are being answered: a fresh timeout each, no second copy now.
      for (const f of due) {
        f.due = false;
        f.timer?.cancel();
        this.armTimeout(f);
      }
      return;
    }
    if (this.recovery) return;
    const wait = Math.min(this.o.ackTimeoutMs, Math.max(1, Math.ceil(2 * (this.srttMs ?? 0))));
    this.recovery = this.o.clock.schedule(wait, () => {
      this.recovery = undefined;
      this.resendDue();
    });
  }

  /** No proof of a spurious timeout came: resend, in delivery order, what waited for the probe. */
  private resendDue(): void {
    this.probingNow = false;
    this.spurious = false;
    for (const f of this.inflight.due()) {
      f.due = false;
      this.transmit(f);
    }
    this.o.refill?.();
  }

  private endRecovery(): void {
    this.recovery?.cancel();
    this.recovery = undefined;
    this.spurious = false;
  }

  private transmit(f: InFlight): void {
    const route = this.o.route();
    f.timer?.cancel();
    f.timer = undefined;
    if (!route) return;
    const { rec } = f;
    const head = { v: 1 as const, panel: this.o.panel, seq: rec.seq, sent: this.o.now() };
    const item = rec.item;
    const payload: UplinkPayload =
      item.kind === "event" ? { ...head, events: [item.event] } : item.kind === "result" ? { ...head, result: item.result } : { ...head, heartbeat: item.heartbeat };
    let frame: Uint8Array;
    try {
      frame = sealUplink(payload, this.o.signer);
    } catch (e) {
      // Cannot happen for items validated on entry; never let one block the window.
      this.inflight.remove(rec.seq);
      this.o.outbox.park(rec.seq);
      this.o.events.emit("rejected", { seq: rec.seq, reason: isProtocolError(e) && e.code === "oversize" ? "oversize" : "malformed" });
      return;
    }
    f.refs.push(frameRef(frame));
    if (f.refs.length > REFS_KEPT) f.refs.shift();
    const trace = this.o.trace;
    trace?.("signed", this.o.panel, rec.seq);
    f.sentAt = this.o.clock.now();
    if (f.attempts === 0) f.firstSentAt = f.sentAt;
    f.attempts++;
    route.path.send(topics.up(this.o.panel), frame);
    trace?.("published", this.o.panel, rec.seq);
    this.o.events.emit("sent", { seq: rec.seq, attempt: f.attempts, path: route.index });
    this.armTimeout(f);
  }

  private armTimeout(f: InFlight): void {
    f.timer = this.o.clock.schedule(this.o.ackTimeoutMs, () => {
      if (this.inflight.get(f.rec.seq) !== f) return;
      if (this.o.ackTimedOut()) return;
      this.probingNow = true;
      this.sizing.reset();
      if (this.inflight.first() === f) this.transmit(f);
      else {
        f.due = true;
        this.armTimeout(f);
      }
    });
  }
}
