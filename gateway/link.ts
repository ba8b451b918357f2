/**
 * The uplink sender: keeps up to `window` outbox items in flight on the active path, retransmits an
 * item with the same sequence number and a fresh signature and transmission time when its signed ACK
 * does not arrive within `ackTimeoutMs`, corrects the clock from a `stale` NAK, parks items the centre
 * refuses permanently, and sends the supervision heartbeats. Paths: index 0 primary, 1 alternative;
 * traffic uses the primary whenever it is up (issue #4, dual path: go back when the primary returns).
 *
 * Probing. A broker that was restarted accepts frames before the centre has subscribed again and
 * drops them silently; with a full window the later frames of a class would be stored before the
 * earlier ones, which breaks "in order within its class" (issue #4). So after every (re)connect the
 * gateway first sends a heartbeat (the "hello": a fresh sequence number, so no ACK from before the
 * reconnect can be mistaken for its ACK) and sends nothing from the outbox until it is acknowledged.
 * After an ACK timeout only one frame (the first in delivery order) is on the wire until an ACK
 * arrives; then the window opens again. TCP's slow start, reduced to its essence.
 *
 * Path health: a connected path whose receiver stops acknowledging is as useless as a broken one. With
 * an alternative up, a path that has had frames waiting without any ACK for `failAfterMs[path]` is
 * marked suspect and traffic moves to the other path (EN 50136 dual path: switch within the
 * category's time). The suspect path keeps its own heartbeats; the first ACK arriving over it clears
 * it and traffic goes back.
 */
import {
  openDownlink,
  PERMANENT_NAK,
  isProtocolError,
  sealUplink,
  topics,
  type Command,
  type Heartbeat,
  type NakReason,
  type Signer,
  type UplinkPayload,
} from "../protocol/index.js";
import type { KeyObject } from "node:crypto";
import type { Clock } from "../protocol/clock.js";
import { heartbeatBody } from "./heartbeat-body.js";
import { InFlightWindow, type InFlight } from "./in-flight.js";
import type { LinkPath } from "./link-path.js";
import type { Outbox } from "./outbox.js";

export interface LinkListener {
  sent(seq: number, attempt: number, path: number): void;
  acked(seq: number, rttMs: number): void;
  /** The centre refused a frame for good (PERMANENT_NAK): logged and reported, item parked. */
  rejected(seq: number, reason: NakReason): void;
  nak(seq: number, reason: NakReason): void;
  clockCorrected(offsetMs: number): void;
  /** Active path changed: 0 primary, 1 alternative, undefined none. */
  activePath(path: number | undefined): void;
  command(cmd: Command, centreSent: number): void;
  /** status() threw or returned something a heartbeat cannot carry. */
  statusFailed(message: string): void;
  /** A path was marked suspect (no ACKs) or cleared. */
  pathHealth(path: number, ok: boolean): void;
  /** A downlink message that was not acted on, with the reason code. */
  downlinkRefused(code: string, message: string): void;
}

export interface LinkOptions {
  readonly panel: string;
  readonly signer: Signer;
  readonly centreKey: { readonly kid: string; readonly key: KeyObject };
  readonly clock: Clock;
  readonly outbox: Outbox;
  readonly window: number;
  readonly ackTimeoutMs: number;
  /** Per path: no ACK for this long while frames wait makes the path suspect (when another is up). */
  readonly failAfterMs: readonly number[];
  /** Summary status for heartbeats, without the outbox depth (added here). */
  readonly status: () => Omit<Heartbeat, "outbox">;
}

export class Link {
  private paths: readonly LinkPath[] = [];
  private active: number | undefined;
  private readonly inflight = new InFlightWindow();
  private offsetMs = 0;
  private probing = true;
  /** The path to go back to once the frames in flight on the current one are acknowledged. */
  private switchTo: number | undefined;
  /** Sequence number of the hello heartbeat awaited after a (re)connect, if any. */
  private hello: number | undefined;
  private suspect: boolean[] = [];
  /** Local time of the last ACK on the active path (or of its selection). */
  private lastAckAt = 0;

  constructor(
    private readonly opts: LinkOptions,
    private readonly listener: LinkListener,
  ) {}

  /** Paths are created by the owner with this link's handlers (see pathListener). */
  attach(paths: readonly LinkPath[]): void {
    this.paths = paths;
    this.suspect = paths.map(() => false);
  }

  pathListener(index: number) {
    return {
      up: () => this.reselect(),
      down: () => this.reselect(),
      message: (_topic: string, payload: Uint8Array, retain: boolean) => this.onDownlink(index, payload, retain),
      heartbeatDue: () => this.sendHeartbeat(index),
    };
  }

  /** Centre-corrected time: local clock plus the offset learnt from NAKs and time-sync. */
  now(): number {
    return this.opts.clock.now() + this.offsetMs;
  }

  setClockOffset(offsetMs: number): void {
    this.offsetMs = offsetMs;
    this.listener.clockCorrected(offsetMs);
  }

  get activePath(): number | undefined {
    return this.active;
  }

  /** Fill the window from the outbox in delivery order. Cheap to call after every enqueue. */
  pump(): void {
    if (this.switchTo !== undefined) {
      // Draining the old path before going back: nothing new on it; switch once it is empty.
      if (this.inflight.size === 0) this.reselect();
      return;
    }
    const path = this.activeLinkPath();
    if (!path || this.hello !== undefined) return;
    const window = this.probing ? 1 : this.opts.window;
    while (this.inflight.size < window) {
      const recs = this.opts.outbox.peek(this.inflight.cursors, window - this.inflight.size);
      if (recs.length === 0) return;
      for (const rec of recs) this.transmit(this.inflight.add(rec));
    }
  }

  stop(): void {
    this.inflight.reset();
  }

  private activeLinkPath(): LinkPath | undefined {
    return this.active === undefined ? undefined : this.paths[this.active];
  }

  /**
   * Primary if up and healthy, else the alternative. When the active path failed, switch at once and
   * send everything in flight again. When it still works (going back to the primary), first let what is
   * in flight on it be acknowledged: frames still travelling a slow alternative could otherwise be
   * stored after later frames of their class sent over the primary.
   */
  private reselect(): void {
    const up = this.paths.flatMap((p, i) => (p.state === "up" ? [i] : []));
    const chosen = up.find((i) => !this.suspect[i]) ?? up[0];
    this.switchTo = undefined;
    if (chosen === this.active) return;
    const current = this.activeLinkPath();
    if (chosen !== undefined && current?.state === "up" && !this.suspect[this.active!] && this.inflight.size > 0) {
      this.switchTo = chosen;
      return;
    }
    this.active = chosen;
    this.lastAckAt = this.opts.clock.now();
    this.inflight.reset();
    this.probing = true;
    this.hello = undefined;
    // The hello first: the listener may report (and so pump) synchronously, e.g. the panel's 350.
    if (chosen !== undefined) this.sendHello();
    this.listener.activePath(chosen);
  }

  private transmit(f: InFlight): void {
    const path = this.activeLinkPath();
    f.timer?.cancel();
    f.timer = undefined;
    if (!path || this.active === undefined) return;
    const { rec } = f;
    const head = { v: 1 as const, panel: this.opts.panel, seq: rec.seq, sent: this.now() };
    const item = rec.item;
    const payload: UplinkPayload =
      item.kind === "event" ? { ...head, events: [item.event] } : item.kind === "result" ? { ...head, result: item.result } : { ...head, heartbeat: item.heartbeat };
    let frame: Uint8Array;
    try {
      frame = sealUplink(payload, this.opts.signer);
    } catch (e) {
      // Cannot happen for items validated on entry; never let one block the window.
      this.inflight.remove(rec.seq);
      this.opts.outbox.park(rec.seq);
      this.listener.rejected(rec.seq, isProtocolError(e) && e.code === "oversize" ? "oversize" : "malformed");
      return;
    }
    f.sentAt = this.opts.clock.now();
    if (f.attempts === 0) f.firstSentAt = f.sentAt;
    f.attempts++;
    path.send(topics.up(this.opts.panel), frame);
    this.listener.sent(rec.seq, f.attempts, this.active);
    this.armTimeout(f);
  }

  private armTimeout(f: InFlight): void {
    f.timer = this.opts.clock.schedule(this.opts.ackTimeoutMs, () => {
      if (this.inflight.get(f.rec.seq) !== f) return;
      if (this.checkPathHealth()) return;
      this.probing = true;
      if (this.inflight.first() === f) this.transmit(f);
      else {
        f.due = true;
        this.armTimeout(f);
      }
    });
  }

  /** Mark the active path suspect when it has gone too long without an ACK; true when traffic moved. */
  private checkPathHealth(): boolean {
    const a = this.active;
    if (a === undefined) return false;
    const other = this.paths.some((p, i) => i !== a && p.state === "up" && !this.suspect[i]);
    if (!other) return false;
    // Waiting since the oldest unacknowledged frame was first sent (the hello counts).
    const waiting = this.opts.clock.now() - Math.max(this.lastAckAt, this.inflight.oldestFirstSent());
    if (waiting < (this.opts.failAfterMs[a] ?? Infinity)) return false;
    this.suspect[a] = true;
    this.listener.pathHealth(a, false);
    this.reselect();
    return true;
  }

  /** An ACK proved the path: open the window and resend, in delivery order, what waited meanwhile. */
  private endProbing(): void {
    if (!this.probing) return;
    this.probing = false;
    for (const f of this.inflight.due()) {
      f.due = false;
      this.transmit(f);
    }
  }

  /**
   * The hello after a (re)connect: a fresh heartbeat, stored like any item and resent with its
   * sequence number on this connection until acknowledged; if the connection dies first, it stays in
   * the outbox and is delivered later like any heartbeat (no hole in the sequence numbers).
   */
  private sendHello(): void {
    const rec = this.opts.outbox.enqueueHeartbeat(this.heartbeat());
    // Not "dispatched": the class cursor stays, so nothing queued before it is skipped later.
    const f = this.inflight.add(rec, false);
    this.hello = rec.seq;
    this.transmit(f);
  }

  /**
   * Supervision: no frame left path `index` for its reporting time. On the active path the heartbeat
   * is queued and goes out through the window; on the idle alternative it is sent once over that path
   * (and, being stored, also delivered through the active path if its ACK does not come back).
   */
  private sendHeartbeat(index: number): void {
    const path = this.paths[index];
    if (!path || path.state !== "up") return;
    const rec = this.opts.outbox.enqueueHeartbeat(this.heartbeat());
    if (index === this.active) return this.pump();
    const item = rec.item as { heartbeat: Heartbeat };
    path.send(topics.up(this.opts.panel), sealUplink({ v: 1, panel: this.opts.panel, seq: rec.seq, sent: this.now(), heartbeat: item.heartbeat }, this.opts.signer));
    this.listener.sent(rec.seq, 1, index);
  }

  private heartbeat(): Heartbeat {
    return heartbeatBody(this.opts.status, this.opts.outbox.depth().total, (m) => this.listener.statusFailed(m));
  }

  private onDownlink(path: number, frame: Uint8Array, retain: boolean): void {
    // DOMAIN.md: a retained downlink ("arm") re-acts on every reconnect; never act on one.
    if (retain) return this.listener.downlinkRefused("retained", "retained downlink message ignored");
    let p;
    try {
      // No freshness check here: a NAK or time-sync is how a gateway with a wrong clock learns the
      // right one (protocol/frame.ts). Commands are checked against the corrected clock later.
      p = openDownlink(frame, { centre: this.opts.centreKey, panel: this.opts.panel });
    } catch (e) {
      if (isProtocolError(e)) return this.listener.downlinkRefused(e.code, e.message);
      throw e;
    }
    if ("ack" in p) {
      if (path === this.active) this.lastAckAt = this.opts.clock.now();
      if (this.suspect[path]) {
        // An ACK over the suspect path: its receiver answers again.
        this.suspect[path] = false;
        this.listener.pathHealth(path, true);
        this.reselect();
      }
      this.onAck(p.ack.seqs);
    }
    else if ("nak" in p) this.onNak(p.nak.seq, p.nak.reason, p.sent);
    else this.listener.command(p.cmd, p.sent);
  }

  private onAck(seqs: readonly number[]): void {
    const now = this.opts.clock.now();
    const done: [number, number][] = [];
    for (const seq of seqs) {
      const f = this.inflight.remove(seq);
      if (f) done.push([seq, now - f.sentAt]);
    }
    this.opts.outbox.remove(seqs);
    if (this.hello !== undefined && seqs.includes(this.hello)) this.hello = undefined;
    if (done.length > 0) this.endProbing();
    for (const [seq, rtt] of done) this.listener.acked(seq, rtt);
    this.pump();
  }

  private onNak(seq: number, reason: NakReason, centreSent: number): void {
    const f = this.inflight.get(seq);
    this.listener.nak(seq, reason);
    if (reason === "stale") {
      // SIA DC-09 practice: the receiver answers with its own time so the sender can correct and resend.
      this.setClockOffset(centreSent - this.opts.clock.now());
      if (f) this.transmit(f);
      return;
    }
    if (PERMANENT_NAK.has(reason)) {
      this.inflight.remove(seq);
      if (seq === this.hello) {
        // Refused, but answered: the path to the centre works, so the window may open.
        this.hello = undefined;
        this.endProbing();
      }
      this.opts.outbox.park(seq);
      this.listener.rejected(seq, reason);
      this.pump();
    }
    // store-failed: the centre could not store it now; the ACK timeout resends it.
  }
}
