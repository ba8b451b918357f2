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
 *
 * Several events per frame: what waits is cut into frames by frame-groups.ts (a backlog of one class
 * goes as batches of up to `batchEvents`, a lone event alone, one slot kept for alarms). A frame is
 * known by its seq (its first event's) and the refs of its transmissions, and each ref by the seqs it
 * carried: an ACK removes exactly the events of the frame it names. After a restart the same events may
 * be grouped differently; an ACK of an old grouping still removes what that frame carried, and nothing else.
 */
import type { EventEmitter } from "node:events";
import { Priority, frameRef, isProtocolError, sealUplink, topics, type Signer, type Trace } from "../protocol/index.js";
import type { Clock, Timer } from "../protocol/clock.js";
import { framePayload, groupFrames, lowerShare } from "./frame-groups.js";
import { InFlightWindow, type InFlight } from "./in-flight.js";
import { WindowSize } from "./window-size.js";
import type { LinkEvents } from "./link-events.js";
import type { LinkPath } from "./link-path.js";
import { CLASSES, type Outbox, type OutboxRecord } from "./outbox.js";

export interface SendWindowOptions {
  readonly panel: string;
  readonly signer: Signer;
  readonly clock: Clock;
  readonly outbox: Outbox;
  readonly window: number;
  /** Growth limit of the window (window-size.ts); default `window`. */
  readonly maxWindow?: number;
  readonly ackTimeoutMs: number;
  /** Events per frame at most (protocol/event-batch.ts BATCH_MAX_EVENTS); 1: one event per frame. Default 1. */
  readonly batchEvents?: number;
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

/** One transmission: its ref (protocol/frame-ref.ts) and the seqs of the events it carried. */
interface Sent {
  readonly ref: string;
  readonly seqs: readonly number[];
}

/** Records read from the outbox per turn of fill() at most (a grown window of full batches would read tens of thousands). */
const PEEK_MAX = 4096;

const ALARM_ONLY = [Priority.Alarm] as const;

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
   * reconnect). frame seq -> its transmissions (ref, and the seqs that frame carried); the oldest
   * frame seqs are forgotten past OUTSIDE_KEPT.
   */
  private readonly outside = new Map<number, Sent[]>();
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
    for (const f of this.inflight.all()) this.remember(f.rec.seq, f.refs.map((ref) => ({ ref, seqs: f.seqs })));
    this.inflight.reset();
    this.sizing.reset();
    this.endRecovery();
    this.probingNow = true;
  }

  /**
   * The outbox was renumbered (a seq-reused NAK): the frames in flight carry numbers the centre holds
   * other content under, so they are dropped, answers to them no longer count, and fill() sends their
   * items again under the new numbers.
   */
  renumbered(): void {
    this.inflight.reset();
    this.outside.clear();
    this.endRecovery();
  }

  stop(): void {
    this.inflight.reset();
    this.endRecovery();
  }

  /** Fill the window from the outbox in delivery order (one frame while probing). */
  fill(): void {
    const window = this.probingNow ? 1 : this.sizing.limit;
    const maxEvents = this.o.batchEvents ?? 1;
    while (this.inflight.size < window) {
      const free = window - this.inflight.size;
      let lowerInFlight = 0;
      for (const f of this.inflight.all()) if (f.rec.prio !== Priority.Alarm) lowerInFlight++;
      // Read no more than can go: lower-class frames only into the rest of their share of the window
      // (frame-groups.ts), so with that share taken only alarms are read; alarms into any free slot.
      const lowerRoom = lowerShare(window) - lowerInFlight;
      const slots = this.o.outbox.depth().byClass[Priority.Alarm]! > 0 ? free : Math.min(free, lowerRoom);
      const recs = slots <= 0 ? [] : this.o.outbox.peek(this.inflight.cursors, Math.min(slots * maxEvents, PEEK_MAX), lowerRoom > 0 ? CLASSES : ALARM_ONLY);
      if (recs.length === 0) {
        // Nothing in flight and nothing waiting: the backlog is gone, the next one starts small.
        if (this.inflight.size === 0) this.sizing.reset();
        return;
      }
      const frames = groupFrames(recs, { free, window, lowerInFlight, maxEvents });
      // Only what can go was read, so there is a frame; the check keeps a mismatch from spinning here.
      if (frames.length === 0) return;
      for (const group of frames) this.transmit(this.inflight.add(group));
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
    this.remember(seq, [{ ref: frameRef(frame), seqs: [seq] }]);
  }

  private remember(seq: number, sent: readonly Sent[]): void {
    if (sent.length === 0) return;
    this.outside.set(seq, [...(this.outside.get(seq) ?? []), ...sent].slice(-REFS_KEPT));
    while (this.outside.size > OUTSIDE_KEPT) this.outside.delete(this.outside.keys().next().value!);
  }

  /**
   * The seqs carried by the frame an answer naming (seq, ref) answers, if it is one this gateway sent
   * and still waits on: one of the frame's own transmissions. Anything else (a ref of a junk frame
   * someone else published with this seq, an old answer replayed) is not an answer to us: undefined.
   */
  covered(seq: number, ref: string): readonly number[] | undefined {
    const f = this.inflight.get(seq);
    if (f?.refs.includes(ref)) return f.seqs;
    return this.outside.get(seq)?.find((s) => s.ref === ref)?.seqs;
  }

  /**
   * Take the frames an ACK answers off the window: only pairs naming one of our transmissions count.
   * Returns the event seqs answered (for the outbox: every seq the answered frames carried) and the
   * round-trip time of each frame that was in flight. A frame in flight under the same seq but grouped
   * otherwise (after a restart) leaves the window only if the answered frame carried all of its events.
   */
  acknowledge(seqs: readonly number[], refs: readonly string[]): { answered: number[]; done: { seq: number; rttMs: number; seqs?: readonly number[] }[] } {
    const now = this.o.clock.now();
    const answered: number[] = [];
    const full = this.inflight.size >= this.sizing.limit;
    const done: { seq: number; rttMs: number; seqs?: readonly number[] }[] = [];
    seqs.forEach((seq, i) => {
      const carried = this.covered(seq, refs[i]!);
      if (!carried) return;
      answered.push(...carried);
      this.outside.delete(seq);
      const held = this.inflight.get(seq);
      if (!held || !held.seqs.every((s) => carried.includes(s))) return;
      const f = this.inflight.remove(seq)!;
      const rttMs = now - f.sentAt;
      done.push({ seq, rttMs, ...(f.seqs.length > 1 ? { seqs: f.seqs } : {}) });
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
    let frame: Uint8Array;
    try {
      frame = sealUplink(framePayload(f.recs, this.o.panel, this.o.now()), this.o.signer);
    } catch (e) {
      // Cannot happen for items validated on entry; never let one block the window.
      this.inflight.remove(rec.seq);
      const reason = isProtocolError(e) && e.code === "oversize" ? "oversize" : "malformed";
      for (const seq of f.seqs) {
        this.o.outbox.park(seq);
        this.o.events.emit("rejected", { seq, reason });
      }
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
    this.o.events.emit("sent", { seq: rec.seq, attempt: f.attempts, path: route.index, ...(f.seqs.length > 1 ? { seqs: f.seqs } : {}) });
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
