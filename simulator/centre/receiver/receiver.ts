/**
 * The centre's alarm receiver. It takes its share of every panel's uplink through a shared subscription
 * (`$share/<group>/alarm/v1/+/up`), so any number of receivers on any machines split the load, and for each
 * frame: verify with the panel's registered key, check the transmission-time window and the sequence
 * number, store it durably together with the alarms it raises, and only then publish the signed ACK
 * (many SIA DC-09 receivers ACK on receipt, before storing; here an ACK means "stored"). An authentic
 * frame it cannot take gets a NAK; every answer names the exact frame (protocol/frame-ref.ts), and a
 * frame that does not verify gets none (receiver-frame.ts).
 *
 * Fairness: frames are taken from per-panel queues in turn (fair-intake.ts), and a panel whose frames keep
 * failing verification is over its budget and dropped before verification, with one "flooding" alarm
 * per episode (flood-guard.ts).
 *
 * A batch frame (several events, each with its own seq: protocol/event-batch.ts) is stored as one row per
 * event (frame-events.ts) and ACKed once, when all of them are stored (new or already there).
 *
 * Frames that arrive together are stored in one transaction (group commit): one fsync per batch lets a
 * receiver go well past SQLite's ~5k durable commits/s. A frame already stored (by this receiver, another
 * one, or before a restart: UNIQUE(panel, seq)) is ACKed again and never processed twice.
 *
 * The store is a port (store-pg/port.ts): SQLite commits in the same turn; PostgreSQL asynchronously, one
 * batch in flight, ACKs in commit order; a store that cannot be reached leaves frames un-ACKed (no NAK).
 *
 * MQTT is reached through the gateway's `Connector` port: mqtt.js by default, the simulated broker in tests,
 * so the whole centre can run on fake time. A lost connection is retried after `reconnectDelayMs`.
 */
import { EventEmitter } from "node:events";
import { createMqttConnector } from "../../../gateway/mqtt-connector.js";
import type { BrokerOptions, Connector } from "../../../gateway/transport.js";
import {
  ACK_MAX_FRAMES,
  PROTOCOL_VERSION,
  ReplayWindows,
  STATUS_OFFLINE,
  STATUS_ONLINE,
  parseSign1,
  parseTopic,
  sealDownlink,
  sealDownlinkAcks,
  topics,
  type AckPayload,
  type DownlinkPayload,
  type FreshnessWindow,
  type NakReason,
  type ParsedSign1,
  type Signer,
  type Trace,
} from "../../../protocol/index.js";
import { systemClock, unrefSystemClock, type Clock } from "../../../protocol/clock.js";
import { coalesceWrites } from "../coalesce-writes.js";
import { ReceiverLink } from "./receiver-link.js";
import { CentreError } from "../errors.js";
import type { CentreStore } from "../store/centre-store.js";
import type { FrameToStore, StoreOutcome } from "../store/frame-store.js";
import { contentTag } from "../store/same-content.js";
import { raiseSequenceRestartedAlarm } from "./sequence-restarted-alarm.js";
import type { CentreStorePort } from "../store-pg/port.js";
import { storePortOf } from "../store-pg/store-port-of.js";
import { CachedKeyRing } from "../store/key-ring.js";
import type { LeaderElector } from "../store-pg/leader-elector.js";
import { centreRoles } from "./centre-roles.js";
import { isStoreError } from "../store/store-error.js";
import { GapDetector } from "./gap-detector.js";
import { silentLogger, type Logger } from "../logger.js";
import { Supervisor } from "./supervisor.js";
import type { ReceiverEvents } from "./receiver-events.js";
import { frameEvents } from "./frame-events.js";
import { judgeFrame } from "./receiver-frame.js";
import { ReceiverIntake } from "./receiver-intake.js";

export interface ReceiverOptions {
  /** Broker URL: mqtt://host:port or mqtts://host:port. */
  readonly url: string;
  /** This receiver's connection to the centre store: the port (openCentreStore), or a SQLite CentreStore. */
  readonly store: CentreStore | CentreStorePort;
  /** The centre's Ed25519 downlink key, pinned by every panel. */
  readonly centreKey: Signer;
  /** Receiver name; the MQTT client id is `receiver@<name>`. */
  readonly name?: string;
  /** Credentials and TLS material (username/password, or key/cert/ca) and protocolVersion (default 4). */
  readonly connect?: Omit<BrokerOptions, "url">;
  /** The MQTT port (default: mqtt.js with write coalescing); `simConnector` runs it on the simulated broker. */
  readonly connector?: Connector;
  /** Wait before reconnecting after a lost connection (default 1 s). */
  readonly reconnectDelayMs?: number;
  /** Shared-subscription group (default "centre"). */
  readonly group?: string;
  readonly clock?: Clock;
  readonly freshness?: FreshnessWindow;
  /** How long a missing sequence number may stay missing before it is reported (default 60 s). */
  readonly gapGraceMs?: number;
  /** Run EN 50136 supervision in this receiver (default true). */
  readonly supervise?: boolean;
  readonly logger?: Logger;
  /** Commit as soon as this many frames wait (default 256), so ACKs flow while a burst is still arriving. */
  readonly maxBatch?: number;
  /**
   * Run supervision and gap checks only while this receiver leads them (one receiver of the centre at a
   * time, polled every `everyMs`). Default: on for PostgreSQL (every 2 s); off for SQLite, where every
   * receiver runs them and the store makes each fault one alarm.
   */
  readonly leadership?: { readonly everyMs: number } | false;
  /** Per-panel budget of frames that fail verification (flood-guard.ts; default 20 at once, 1/s). */
  readonly flood?: { readonly burst?: number; readonly perSecond?: number };
  /** Frames one panel may have waiting in the intake (fair-intake.ts; default 64). */
  readonly intakePerPanel?: number;
  /** Per-stage tracing for the benchmarks (protocol/trace.ts); off when absent. */
  readonly trace?: Trace;
  /** How the intake yields between turns (default setImmediate); a test on a fake clock passes `(fn) => fn()`. */
  readonly intakeDefer?: (fn: () => void) => void;
}

type State = "idle" | "starting" | "running" | "stopping" | "stopped";

/**
 * mqtt.js, with the receiver's writes coalesced per event-loop turn (ACKs and PUBACKs of one burst), its
 * trace lines (about ten per packet, each a call even when off) dropped unless DEBUG is set, and its
 * keepalive timer left alone by each PUBACK (a ping every keepalive period instead).
 */
const defaultConnector = createMqttConnector({
  tuneSocket: coalesceWrites,
  mqtt: { reschedulePings: false, ...(process.env.DEBUG ? {} : { log: () => {} }) },
});

/**
 * Rows to store (one per event: frame-events.ts), each with the ref of its frame (protocol/frame-ref.ts);
 * `answer`, on a frame's last row only, is the seq its ACK or NAK names (the frame's seq). A frame's rows
 * are never split between two commits, so its ACK means every event of it is stored. `tag`: the digest of
 * the row's content (../store/same-content.ts) its seq is marked with in the replay window once stored.
 */
type Batch = (FrameToStore & { readonly ref: string; readonly answer?: number; readonly tag: number })[];

/**
 * Rows (events) per transaction at most, whatever the frames: a batch frame brings up to
 * BATCH_MAX_EVENTS rows, and PostgreSQL's multi-row INSERT has at most 65,535 bind parameters (8 per row).
 */
const MAX_ROWS = 4096;


export class Receiver extends EventEmitter<ReceiverEvents> {
  readonly name: string;
  private state: State = "idle";
  private readonly link: ReceiverLink;
  private readonly store: CentreStorePort;
  private readonly ring: CachedKeyRing;
  private electors: LeaderElector[] = [];
  private readonly windows = new ReplayWindows();
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly gaps: GapDetector;
  private readonly supervisor: Supervisor | undefined;
  private pending: Batch = [];
  /** Frames among `pending` (rows with an `answer`). */
  private pendingFrames = 0;
  private reAcks = new Map<string, { seqs: number[]; refs: string[] }>();
  /** Batches committed whose `stored`/`alarm` events wait until their ACKs are on their way. */
  private toTell: [Batch, StoreOutcome[]][] = [];
  private readonly intake: ReceiverIntake;
  private flushScheduled = false;
  /** The batch being committed; the next waits for it (ACKs in commit order). */
  private committing: Promise<void> | undefined;
  private flushAgain = false;
  /** Counters: group commits, rows in them (one per event of a batch frame), duplicates (per event) re-ACKed, NAKs sent, frames left un-ACKed by a store that could not be reached. */
  readonly stats = { commits: 0, framesCommitted: 0, duplicates: 0, naks: 0, held: 0 };

  constructor(private readonly opts: ReceiverOptions) {
    super();
    this.name = opts.name ?? "r1";
    this.clock = opts.clock ?? unrefSystemClock;
    this.log = opts.logger ?? silentLogger;
    this.store = storePortOf(opts.store);
    this.ring = new CachedKeyRing(this.store.registry, undefined, () => this.clock.now());
    const lead = opts.leadership ?? (this.store.kind === "postgres" ? { everyMs: 2_000 } : false);
    const graceMs = opts.gapGraceMs ?? 60_000;
    // A leading detector also sweeps every panel, since the other receivers' frames never reach its stored().
    this.gaps = new GapDetector(this.store, this.clock, graceMs, (l) => this.emit("lost-events", l), this.log, lead ? graceMs : 0);
    if (opts.supervise !== false) this.supervisor = new Supervisor(this.store, this.clock, (f) => this.emit("transmission-fault", f), this.log);
    if (lead) this.electors = centreRoles(this.store, this.name, this.clock, lead.everyMs, { ...(this.supervisor ? { supervision: this.supervisor } : {}), gaps: this.gaps }, this.log);
    this.intake = new ReceiverIntake({
      name: this.name,
      clock: this.clock,
      alarms: this.store.alarms,
      log: this.log,
      flood: opts.flood,
      perPanel: opts.intakePerPanel,
      perTurn: opts.maxBatch,
      ...(opts.intakeDefer ? { defer: opts.intakeDefer } : {}),
      take: (topic, message) => this.take(topic, message),
      turnEnd: () => this.flush(),
      refused: (panel, why) => this.emit("refused", panel, why),
      flooding: (panel, id, created) => (this.emit("flooding", panel, id), created && this.emit("alarm", id)),
    });
    this.link = new ReceiverLink({
      broker: { protocolVersion: 4, ...opts.connect, url: opts.url },
      clientId: `receiver@${this.name}`,
      subscribe: [this.sharedFilter, topics.allStatus],
      connector: opts.connector ?? defaultConnector,
      // Reconnecting must keep the process alive (supervision timers on unrefSystemClock must not).
      clock: opts.clock ?? systemClock,
      reconnectDelayMs: opts.reconnectDelayMs ?? 1_000,
      logger: this.log,
      onMessage: (topic, payload) => this.onMessage(topic, payload),
    });
  }

  get running(): boolean {
    return this.state === "running";
  }

  /**
   * Taking frames: also while `start()` is finishing, since retained status messages and the first frames
   * can arrive in the same read as the SUBACK, before the subscribe promise resumes.
   */
  private get live(): boolean {
    return this.state === "running" || this.state === "starting";
  }

  /** Connect and subscribe; resolves once the broker granted both subscriptions. */
  async start(): Promise<void> {
    if (this.state !== "idle") throw new CentreError("bad-state", `receiver ${this.name} cannot start from ${this.state}`);
    this.state = "starting";
    try {
      await this.link.open();
    } catch (e) {
      this.state = "stopped";
      throw e instanceof CentreError ? e : new CentreError("broker-refused", `receiver ${this.name} cannot connect to ${this.opts.url}: ${(e as Error).message}`);
    }
    if (this.electors.length > 0) for (const e of this.electors) e.start();
    else {
      this.supervisor?.start();
      this.gaps.start();
    }
    this.state = "running";
    this.log.log("info", "receiver: running", { receiver: this.name, url: this.opts.url });
  }

  /** Store and acknowledge what has arrived, then disconnect cleanly. */
  async stop(): Promise<void> {
    if (this.state !== "running" && this.state !== "starting") return;
    this.intake.drainAll();
    this.flush();
    this.state = "stopping";
    while (this.committing) await this.committing;
    await Promise.all(this.electors.map((e) => e.stop()));
    this.supervisor?.stop();
    this.gaps.stop();
    await this.link.close();
    this.state = "stopped";
  }

  /** Die on the spot, as a crashed process would: nothing more is stored or acknowledged. */
  kill(): void {
    this.state = "stopped";
    this.pending = [];
    this.pendingFrames = 0;
    this.reAcks.clear();
    this.intake.clear();
    for (const e of this.electors) e.kill();
    this.supervisor?.stop();
    this.gaps.stop();
    this.link.kill();
  }

  /** Intake counters: frames that did not verify, dropped unjudged over budget or with a full queue. */
  get intakeStats(): Readonly<ReceiverIntake["stats"]> {
    return this.intake.stats;
  }

  /** The centre-wide roles ("supervision", "gaps") this receiver leads now; empty without leadership. */
  get leads(): string[] {
    return this.electors.filter((e) => e.leader).map((e) => e.role);
  }

  /** Start supervising a panel registered after start (its deadline counts from registration). */
  watch(panel: string): void {
    this.supervisor?.traffic(panel);
  }

  /**
   * A downlink sealed elsewhere in the centre (a remote-support command, COSE_Sign1 under the centre's key,
   * RFC 9052 §4.2) sent over this receiver's session: QoS 1, never retained. Rejects while the link is down.
   */
  publishDownlink(topic: string, frame: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.link.publish(topic, frame, (err) => (err ? reject(err) : resolve())));
  }

  get sharedFilter(): string {
    return topics.sharedUp(this.opts.group ?? "centre");
  }

  private onMessage(topic: string, message: Uint8Array): void {
    if (!this.live) return;
    const t = parseTopic(topic);
    if (t?.kind === "status") {
      const status = new TextDecoder().decode(message);
      if (status !== STATUS_ONLINE && status !== STATUS_OFFLINE) {
        this.log.log("warn", "receiver: unknown status ignored", { receiver: this.name, panel: t.panel, status: status.slice(0, 32) });
        return;
      }
      this.store.registry.setStatus(t.panel, status, this.clock.now()).catch((e: unknown) =>
        this.log.log("warn", "receiver: status not stored", { receiver: this.name, panel: t.panel, error: (e as Error).message }),
      );
      this.emit("status", t.panel, status);
      return;
    }
    if (t?.kind === "up") this.intake.offer(t.panel, topic, message);
    else this.take(topic, message);
  }

  /** One frame, taken from the intake in its panel's turn: its key loaded, then judged and queued or answered. */
  private take(topic: string, message: Uint8Array): void {
    if (!this.live) return;
    // Taken from the intake (fair-intake.ts): "received" includes its wait in the panel's queue.
    const arrived = this.opts.trace ? process.hrtime.bigint() : 0n;
    // The frame's key comes from the store first; a store that cannot be reached leaves the frame
    // un-judged and un-ACKed, and the panel sends it again.
    // The envelope is parsed once, here, for both the key load and the verdict; one that does not parse
    // is left to judgeFrame, which parses it again to drop it with the protocol's reason.
    const envelope = envelopeOf(message);
    const loading = envelope && this.ring.prepareKid(envelope.kid);
    if (!loading) return this.judge(topic, message, envelope, arrived, true);
    loading.then(
      () => this.judge(topic, message, envelope, arrived, false),
      (e: unknown) => this.hold(1, e),
    );
  }

  /** `inTurn`: judged inside the intake's turn, whose end flushes; else (after a key load) a flush is scheduled. */
  private judge(topic: string, message: Uint8Array, envelope: ParsedSign1 | undefined, arrived: bigint, inTurn: boolean): void {
    if (!this.live) return;
    const trace = this.opts.trace;
    const v = judgeFrame(topic, message, this.ring, this.clock.now(), this.opts.freshness, envelope);
    switch (v.kind) {
      case "ok": {
        const { seq } = v.payload;
        trace?.("received", v.panel, seq, arrived);
        trace?.("verified", v.panel, seq);
        const rows = frameEvents(v.panel, v.kid, v.payload, message);
        const window = this.windows.for(v.panel);
        // The tag: a number handed out again with other content (a panel that lost its outbox) is no duplicate.
        const tags = new Array<number>(rows.length);
        let duplicate = true;
        for (let i = 0; i < rows.length; i++) {
          tags[i] = contentTag(rows[i]!.payload);
          if (duplicate && window.check(rows[i]!.seq, tags[i]) !== "duplicate") duplicate = false;
        }
        if (duplicate) {
          for (const r of rows) {
            this.stats.duplicates++;
            this.emit("duplicate", v.panel, r.seq);
          }
          this.queueAck(v.panel, seq, v.ref);
        } else {
          // Events already stored among them (a resend grouped otherwise) are the store's to recognise.
          const last = rows.length - 1;
          for (let i = 0; i < last; i++) this.pending.push({ ...rows[i]!, ref: v.ref, tag: tags[i]! });
          this.pending.push({ ...rows[last]!, ref: v.ref, tag: tags[last]!, answer: seq });
          this.pendingFrames++;
          if (this.pendingFrames >= (this.opts.maxBatch ?? 256) || this.pending.length >= MAX_ROWS) return this.flush();
        }
        break;
      }
      case "nak":
        this.log.log("warn", "receiver: NAK", { receiver: this.name, panel: v.panel, seq: v.seq, reason: v.reason, error: v.error.message });
        this.send(v.panel, { nak: { seq: v.seq, reason: v.reason, ref: v.ref } });
        this.stats.naks++;
        this.emit("nak", v.panel, v.seq, v.reason);
        return;
      case "drop":
        // Unanswered (unverified, or no sequence number to name): the panel's retransmission timer covers it.
        if (!v.verified && v.panel !== undefined) this.intake.unverified(v.panel);
        if (v.panel === undefined || !this.intake.flooding(v.panel)) {
          this.log.log("warn", "receiver: frame dropped", { receiver: this.name, topic, code: v.code, error: v.message });
        }
        this.emit("dropped", topic, v.code);
        return;
      default: {
        const never: never = v;
        return never;
      }
    }
    if (!inTurn && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private queueAck(panel: string, seq: number, ref: string): void {
    let a = this.reAcks.get(panel);
    if (!a) this.reAcks.set(panel, (a = { seqs: [], refs: [] }));
    a.seqs.push(seq);
    a.refs.push(ref);
  }

  /** Group commit: store everything pending in one transaction, then ACK each panel's stored seqs. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.committing) return void (this.flushAgain = true);
    // At most maxBatch frames (and about MAX_ROWS rows) per transaction, also when a slow commit let
    // more pile up; never a frame's rows split between two (its ACK must mean all of them are stored).
    const max = this.opts.maxBatch ?? 256;
    let n = 0;
    let frames = 0;
    while (n < this.pending.length && frames < max && n < MAX_ROWS) if (this.pending[n++]!.answer !== undefined) frames++;
    while (n < this.pending.length && this.pending[n - 1]!.answer === undefined) if (this.pending[n++]!.answer !== undefined) frames++;
    const batch = this.pending.splice(0, n);
    this.pendingFrames -= frames;
    if (this.pending.length > 0) this.flushAgain = true;
    const committing = batch.length > 0 && this.state !== "stopped" ? this.storeBatch(batch) : undefined;
    // An embedded store has committed by now: ACK in this turn. A networked one: once it has committed.
    if (!committing) return this.afterCommit();
    this.committing = committing
      .catch((e: unknown) => this.log.log("error", "receiver: after commit", { receiver: this.name, error: (e as Error).message }))
      .finally(() => {
        this.committing = undefined;
        this.afterCommit();
      });
  }

  private afterCommit(): void {
    this.sendAcks();
    // The listeners (alarm-centre logs a line per frame) run after the ACKs are handed to the link.
    const tell = this.toTell;
    this.toTell = [];
    for (const [batch, outcomes] of tell) {
      batch.forEach((f, i) => {
        const o = outcomes[i]!;
        if (o.result !== "stored") return; // duplicate, or a reused seq (NAKed in committed())
        this.emit("stored", f.panel, f.seq, f.payload);
        for (const id of o.alarms) this.emit("alarm", id);
      });
    }
    if (this.flushAgain) {
      this.flushAgain = false;
      this.flush();
    }
  }

  /**
   * Every ACK of the commit (re-ACKs of duplicates too) under one signature: a Merkle tree over their
   * payloads (protocol/cose-batch.ts), one frame per panel and ACK_MAX_FRAMES chunk, each with its proof.
   */
  private sendAcks(): void {
    if (this.state === "stopped") return; // killed while storing: the ACKs die with it
    const acks = this.reAcks;
    this.reAcks = new Map();
    if (acks.size === 0) return;
    const sent = this.clock.now();
    const payloads: AckPayload[] = [];
    for (const [panel, { seqs, refs }] of acks) {
      for (let i = 0; i < seqs.length; i += ACK_MAX_FRAMES) {
        payloads.push({ v: PROTOCOL_VERSION, panel, sent, ack: { seqs: seqs.slice(i, i + ACK_MAX_FRAMES), refs: refs.slice(i, i + ACK_MAX_FRAMES) } });
      }
    }
    const frames = sealDownlinkAcks(payloads, this.opts.centreKey);
    payloads.forEach(({ panel, ack: { seqs } }, i) => {
      this.publishDown(panel, frames[i]!, () => this.emit("acked", panel, seqs));
      if (this.opts.trace) for (const s of seqs) this.opts.trace("ack-signed", panel, s);
    });
  }

  /** Undefined when the store committed (or refused) the batch in this turn; else the commit under way. */
  private storeBatch(batch: Batch): Promise<void> | undefined {
    const now = this.clock.now();
    const frames = this.store.frames;
    let outcomes: StoreOutcome[] | Promise<StoreOutcome[]>;
    try {
      outcomes = frames.storeNow ? frames.storeNow(batch, now, this.name) : frames.store(batch, now, this.name);
    } catch (e) {
      return void this.storeFailed(batch, e);
    }
    if (Array.isArray(outcomes)) return void this.committed(batch, outcomes);
    return outcomes.then(
      (o) => this.committed(batch, o),
      (e: unknown) => this.storeFailed(batch, e),
    );
  }

  private storeFailed(batch: Batch, e: unknown): void {
    if (isStoreError(e, "store-unavailable")) return this.hold(batch.length, e);
    this.log.log("error", "receiver: store failed", { receiver: this.name, frames: batch.length, error: (e as Error).message });
    for (const f of batch) if (f.answer !== undefined) this.send(f.panel, { nak: { seq: f.answer, reason: "store-failed", ref: f.ref } });
  }

  private committed(batch: Batch, outcomes: StoreOutcome[]): void {
    if (this.state === "stopped") return;
    this.stats.commits++;
    this.stats.framesCommitted += batch.length;
    const heard = new Set<string>();
    const trace = this.opts.trace;
    /** The frame being answered holds a reused seq: NAK it with the highest `next` of its rows. */
    let reusedNext: number | undefined;
    batch.forEach((f, i) => {
      const o = outcomes[i]!;
      trace?.("stored", f.panel, f.seq);
      if (o.result === "reused") reusedNext = Math.max(reusedNext ?? 0, o.next);
      else this.windows.for(f.panel).mark(f.seq, f.tag);
      if (f.answer !== undefined) {
        if (reusedNext === undefined) this.queueAck(f.panel, f.answer, f.ref);
        else this.seqReused(f.panel, f.answer, f.ref, reusedNext);
        reusedNext = undefined;
      }
      if (o.result === "reused") return;
      if (o.result === "duplicate") {
        this.stats.duplicates++;
        return void this.emit("duplicate", f.panel, f.seq);
      }
      heard.add(f.panel);
    });
    this.toTell.push([batch, outcomes]);
    for (const panel of heard) {
      this.gaps.stored(panel);
      this.supervisor?.traffic(panel);
    }
  }

  /**
   * The centre holds other content under a seq of this frame: the panel's outbox was lost and its numbers
   * started again. Nothing was stored; the NAK tells the panel where to number on (`next`, as DC-09's stale
   * NAK carries the receiver's time), and one trouble alarm per panel tells the operators.
   */
  private seqReused(panel: string, seq: number, ref: string, next: number): void {
    this.log.log("warn", "receiver: sequence number reused with other content, NAK seq-reused", { receiver: this.name, panel, seq, next });
    this.send(panel, { nak: { seq, reason: "seq-reused", ref, next } });
    this.stats.naks++;
    this.emit("nak", panel, seq, "seq-reused");
    raiseSequenceRestartedAlarm(this.store.alarms, panel, this.clock.now(), seq, next).then(
      ({ id, created }) => created && this.emit("alarm", id),
      (e: unknown) => this.log.log("error", "receiver: sequence-restarted alarm not stored", { receiver: this.name, panel, error: (e as Error).message }),
    );
  }

  /** Frames the store could not take now: no ACK, no NAK (a NAK would tell the panel to give up on them). */
  private hold(frames: number, e: unknown): void {
    this.stats.held += frames;
    const fields = { receiver: this.name, frames, error: (e as Error).message };
    // Only a key load fails otherwise (take): logged as that, not also as the store being unavailable.
    if (isStoreError(e, "store-unavailable")) this.log.log("warn", "receiver: store unavailable, frames left un-ACKed", fields);
    else this.log.log("error", "receiver: key lookup failed, frames left un-ACKed", fields);
    this.emit("held", frames, e as Error);
  }

  /** A NAK, plain and signed on its own (ACKs go in batches: sendAcks). */
  private send(panel: string, body: { nak: { seq: number; reason: NakReason; ref: string; next?: number } }): void {
    const payload = { v: PROTOCOL_VERSION, panel, sent: this.clock.now(), ...body } as DownlinkPayload;
    this.publishDown(panel, sealDownlink(payload, this.opts.centreKey));
  }

  private publishDown(panel: string, frame: Uint8Array, done?: () => void): void {
    // QoS 1, never retained: a retained ACK or command would be replayed at every reconnect.
    this.link.publish(topics.down(panel), frame, (err) => {
      if (err) this.log.log("warn", "receiver: downlink publish failed", { receiver: this.name, panel, error: err.message });
      else done?.();
    });
  }
}

function envelopeOf(frame: Uint8Array): ParsedSign1 | undefined {
  try {
    return parseSign1(frame);
  } catch {
    return undefined;
  }
}
