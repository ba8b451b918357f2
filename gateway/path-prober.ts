/**
 * Path choice and probing. Paths: index 0 primary, 1 alternative; traffic uses the primary whenever it
 * is up and healthy, and goes back to it when it returns (EN 50136-1 dual path).
 *
 * The hello: after every (re)connect the gateway first sends a heartbeat (a fresh sequence number, so
 * no ACK from before the reconnect can be mistaken for its ACK) and sends nothing from the outbox until
 * it is answered. A broker that was restarted accepts frames before the centre has subscribed again and
 * drops them silently; frames sent into that gap would break delivery in order within a class.
 *
 * Path health: a connected path whose receiver stops acknowledging is as useless as a broken one. With
 * an alternative up, a path that has had frames waiting without any ACK for `failAfterMs[path]` is
 * marked suspect and traffic moves to the other path (EN 50136-2: a path failure is detected and the
 * alternative used within the category's reporting time). The suspect path keeps its own heartbeats;
 * the first ACK arriving over it clears it and traffic goes back.
 */
import type { EventEmitter } from "node:events";
import type { Heartbeat } from "../protocol/index.js";
import type { Clock } from "../protocol/clock.js";
import type { LinkEvents } from "./link-events.js";
import type { LinkPath } from "./link-path.js";
import type { Outbox } from "./outbox.js";
import type { SendWindow } from "./send-window.js";

export interface PathProberOptions {
  readonly clock: Clock;
  readonly outbox: Outbox;
  readonly window: SendWindow;
  readonly events: EventEmitter<LinkEvents>;
  /** Per path: no ACK for this long while frames wait makes the path suspect (when another is up). */
  readonly failAfterMs: readonly number[];
  /** The body of the hello heartbeat. */
  readonly heartbeat: () => Heartbeat;
}

export class PathProber {
  private paths: readonly LinkPath[] = [];
  private active: number | undefined;
  private suspect: boolean[] = [];
  /** The path to go back to once the frames in flight on the current one are acknowledged. */
  private switchTo: number | undefined;
  /** Sequence number of the hello heartbeat awaited after a (re)connect, if any. */
  private hello: number | undefined;
  /** Local time of the last ACK on the active path (or of its selection). */
  private lastAckAt = 0;

  constructor(private readonly o: PathProberOptions) {}

  attach(paths: readonly LinkPath[]): void {
    this.paths = paths;
    this.suspect = paths.map(() => false);
  }

  get activeIndex(): number | undefined {
    return this.active;
  }

  /** The active path and its index, when one is up. */
  route(): { index: number; path: LinkPath } | undefined {
    const path = this.active === undefined ? undefined : this.paths[this.active];
    return path && { index: this.active!, path };
  }

  path(index: number): LinkPath | undefined {
    return this.paths[index];
  }

  /** True while nothing from the outbox may go: draining before a switch, no path, or the hello unanswered. */
  holdsTraffic(): boolean {
    if (this.switchTo !== undefined) {
      // Draining the old path before going back: nothing new on it; switch once it is empty.
      if (this.o.window.size === 0) this.reselect();
      return true;
    }
    return this.active === undefined || this.hello !== undefined;
  }

  /**
   * Primary if up and healthy, else the alternative. When the active path failed, switch at once and
   * send everything in flight again. When it still works (going back to the primary), first let what is
   * in flight on it be acknowledged: frames still travelling a slow alternative could otherwise be
   * stored after later frames of their class sent over the primary.
   */
  reselect(): void {
    const up = this.paths.flatMap((p, i) => (p.state === "up" ? [i] : []));
    const chosen = up.find((i) => !this.suspect[i]) ?? up[0];
    this.switchTo = undefined;
    if (chosen === this.active) return;
    const current = this.route();
    if (chosen !== undefined && current?.path.state === "up" && !this.suspect[current.index] && this.o.window.size > 0) {
      this.switchTo = chosen;
      return;
    }
    this.active = chosen;
    this.lastAckAt = this.o.clock.now();
    this.o.window.restart();
    this.hello = undefined;
    // The hello first: a listener may report (and so pump) synchronously, e.g. the panel's 350.
    if (chosen !== undefined) this.sendHello();
    this.o.events.emit("path", { path: chosen });
  }

  /** An ACK timeout passed: mark the active path suspect when it went too long without an ACK; true when traffic moved. */
  checkHealth(): boolean {
    const a = this.active;
    if (a === undefined) return false;
    const other = this.paths.some((p, i) => i !== a && p.state === "up" && !this.suspect[i]);
    if (!other) return false;
    // Waiting since the oldest unacknowledged frame was first sent (the hello counts).
    const waiting = this.o.clock.now() - Math.max(this.lastAckAt, this.o.window.oldestFirstSent());
    if (waiting < (this.o.failAfterMs[a] ?? Infinity)) return false;
    this.suspect[a] = true;
    this.o.events.emit("pathHealth", { path: a, ok: false });
    this.reselect();
    return true;
  }

  /** An ACK arrived over `path`: it proves the path (a suspect one answers again, and traffic goes back). */
  acked(path: number): void {
    if (path === this.active) this.lastAckAt = this.o.clock.now();
    if (this.suspect[path]) {
      this.suspect[path] = false;
      this.o.events.emit("pathHealth", { path, ok: true });
      this.reselect();
    }
  }

  /** After the ACK's frames left the window: the hello, if named, is answered. */
  helloAcked(seqs: readonly number[]): void {
    if (this.hello !== undefined && seqs.includes(this.hello)) this.hello = undefined;
  }

  /** The centre refused `seq` for good; if it was the hello, it was still answered: the path works. */
  refused(seq: number): void {
    if (seq === this.hello) this.centreAnswered();
  }

  /** The centre answered a frame of ours (a seq-reused NAK, whichever frame it named): the path works. */
  centreAnswered(): void {
    if (this.hello === undefined) return;
    this.hello = undefined;
    this.o.window.endProbing();
  }

  /**
   * The hello after a (re)connect: a fresh heartbeat, stored like any item and resent with its
   * sequence number on this connection until acknowledged; if the connection dies first, it stays in
   * the outbox and is delivered later like any heartbeat (no hole in the sequence numbers).
   */
  private sendHello(): void {
    const rec = this.o.outbox.enqueueHeartbeat(this.o.heartbeat());
    this.hello = rec.seq;
    this.o.window.sendOutOfOrder(rec);
  }
}
