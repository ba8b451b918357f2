/**
 * The centre store as a port: exactly the operations the receiver, the supervisor, the gap detector and
 * the operator queue use, asynchronous so that a networked database fits behind it. Two implementations:
 * SQLite (embedded, one machine: sqlite-store.ts wraps the synchronous CentreStore) and PostgreSQL (many
 * receivers on many machines: pg-store.ts). Which one is chosen by configuration (open-store.ts).
 *
 * Rules every implementation keeps (test/store/centre-store-contract.test.ts):
 * - each (panel, seq) is "stored" exactly once, whichever instance, pool or restart sees it;
 * - a batch is one transaction: its frames, the alarms they raise and the panels' last-seen times commit
 *   together or not at all;
 * - one open alarm per (panel, key), however many receivers raise it;
 * - an operator step is one transaction: two operators cannot take one alarm;
 * - a lost database is a StoreError `store-unavailable`, and the store works again once it is back.
 */
import type { CategoryName } from "../../../protocol/supervision.js";
import type { Alarm, AlarmAction, AlarmKind } from "../store/alarm.js";
import type { AlarmFrame, AlarmLogEntry, RaiseInput } from "../store/alarm-book.js";
import type { FrameToStore, StoreOutcome } from "../store/frame-store.js";
import type { CertificateHolder, PanelEnrolment, PanelRecord } from "../store/registry.js";
import type { Leadership } from "./leadership.js";

export type { Alarm, AlarmAction, AlarmFrame, AlarmLogEntry, CertificateHolder, FrameToStore, PanelEnrolment, PanelRecord, RaiseInput, StoreOutcome };

/** The panels: what the supervisor reads (category, last traffic) and the receiver writes (status) and looks up (keys). */
export interface RegistryPort {
  addPanel(panel: string, category: CategoryName, at: number): Promise<void>;
  addFrameKey(kid: string, panel: string, publicPem: string, at: number): Promise<void>;
  panel(panel: string): Promise<PanelRecord | undefined>;
  panels(): Promise<PanelRecord[]>;
  /** Last-writer-by-time wins: an older status report never overwrites a newer one. */
  setStatus(panel: string, status: string, at: number): Promise<void>;
  /** The unrevoked frame key registered under `kid` (the receiver's KeyRing reads through this). */
  frameKey(kid: string): Promise<{ panel: string; publicPem: string } | undefined>;
  /** Embedded stores only: `frameKey` answered in the same turn (see FramesPort.storeNow). */
  readonly frameKeyNow?: (kid: string) => { panel: string; publicPem: string } | undefined;
  /** Revoke every certificate, frame key and demo password of a subject. */
  revoke(subject: string, at: number): Promise<{ certificates: number; keys: number }>;

  // Provisioning and the broker (pki/, broker/): certificates and demo passwords.
  /**
   * A new panel, its TLS certificate, its frame key and (optionally) its demo password, in one transaction:
   * CentreError already-exists for a panel already registered, and nothing is written.
   */
  enrolPanel(e: PanelEnrolment, password?: string): Promise<void>;
  /** A centre client's (receiver, operator) or a panel's TLS certificate; the serial is kept in lower case. */
  addCertificate(serial: string, subject: string, role: string, at: number): Promise<void>;
  isCertificateRevoked(serial: string): Promise<boolean>;
  /** Every revoked certificate, oldest revocation first, for the CRL and the broker's revoked set. */
  revokedCertificates(): Promise<{ serial: string; at: number }[]>;
  /** Each (subject, role) with certificates, by subject: the broker files' clients and roles. */
  certificateHolders(): Promise<CertificateHolder[]>;
  /** Set a panel's plain-TCP demo password (scrypt-hashed, password-hash.ts); CentreError unknown-panel. */
  setPassword(panel: string, password: string): Promise<void>;
  /** Whether `password` is the panel's demo password; false for an unknown panel or one without. */
  checkPassword(panel: string, password: string): Promise<boolean>;
}

/** What a gap alarm looks like; the gap detector decides, the store writes it in the check's transaction. */
export type GapAlarm = (from: number, to: number) => { readonly kind: AlarmKind; readonly key: string; readonly title: string; readonly priority: number };

export interface GapFound {
  readonly panel: string;
  /** Inclusive range of missing sequence numbers. */
  readonly from: number;
  readonly to: number;
  readonly alarmId: number;
}

export interface FramesPort {
  /** Group commit: the batch in one transaction; outcomes in input order. */
  store(frames: readonly FrameToStore[], at: number, receiver: string): Promise<StoreOutcome[]>;
  /**
   * Embedded stores only (SQLite is synchronous): `store` committed in the same turn, throwing the same
   * StoreErrors. The receiver then ACKs in the turn the frames arrived in: no promise hop per batch, and
   * tests on fake time see the ACK within the clock step that delivered the frame.
   */
  readonly storeNow?: (frames: readonly FrameToStore[], at: number, receiver: string) => StoreOutcome[];
  has(panel: string, seq: number): Promise<boolean>;
  /**
   * The signed frame that carried the event (panel, seq), byte for byte as received (its signature verifies
   * over them: openUplink), or undefined when that event is not stored. The events of one batch frame all
   * answer with the same bytes, stored once.
   */
  evidence(panel: string, seq: number): Promise<Uint8Array | undefined>;
  count(panel?: string): Promise<number>;
  /** The newest stored payload of `panel` that carries `field` (the console's last heartbeat), with its arrival time. */
  latestWith(panel: string, field: "heartbeat"): Promise<{ at: number; payload: unknown } | undefined>;
  /**
   * One gap check, one transaction: the seqs missing below the highest seq received at or before
   * `now - graceMs` and above the panel's checked mark are raised as alarms, and the mark moves up, so each
   * gap is reported once across receivers and restarts. A panel's first frame is its baseline.
   */
  checkGaps(panel: string, now: number, graceMs: number, alarm: GapAlarm): Promise<GapFound[]>;
  /** The arrival time of this panel's oldest frame received after `after`, if any (the next gap re-check). */
  oldestArrivalAfter(panel: string, after: number): Promise<number | undefined>;
}

export interface AlarmsPort {
  /** Open a new alarm, or join the open one with the same panel and key (frame and note attached). */
  raise(r: RaiseInput): Promise<{ id: number; created: boolean }>;
  get(id: number): Promise<Alarm>;
  /** Open alarms (or all), most urgent first, then oldest first. */
  list(includeClosed?: boolean): Promise<Alarm[]>;
  /**
   * One operator step in one transaction (alarm.ts operatorStep): only the owner may release, handle or
   * close; CentreError unknown-alarm / bad-transition / not-owner otherwise, and nothing is written.
   */
  transition(id: number, action: AlarmAction, operator: string, at: number, note: string | null): Promise<Alarm>;
  frames(id: number): Promise<AlarmFrame[]>;
  entries(id: number): Promise<AlarmLogEntry[]>;
}

export interface LeadershipOptions {
  /** The holder's name (a receiver name); unique per process. */
  readonly holder: string;
  /** Lease stores only: how long a lease lives without renewal (default 15 s). */
  readonly ttlMs?: number;
  /** Lease stores only: the clock the lease times are read from. */
  readonly now?: () => number;
}

export interface CentreStorePort {
  readonly kind: "sqlite" | "postgres";
  readonly registry: RegistryPort;
  readonly frames: FramesPort;
  readonly alarms: AlarmsPort;
  /** The schema version this store is at (after the migrations applied at open). */
  schemaVersion(): Promise<number>;
  /** A claim on a centre-wide role (`name`, e.g. "supervision") that one holder has at a time. */
  leadership(name: string, opts: LeadershipOptions): Leadership;
  close(): Promise<void>;
}
