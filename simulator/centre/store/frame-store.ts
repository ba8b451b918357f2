/**
 * Durable storage of verified frames with group commit: every frame of a batch is inserted in ONE
 * immediate transaction (SQLite: one fsync per batch instead of per frame), together with the alarms
 * it raises and the panel's last-seen time. UNIQUE(panel, seq) decides duplicates, so the answer is
 * the same whichever receiver, process or restart sees the frame again. A frame under a (panel, seq)
 * already stored with other content is `reused` (same-content.ts): nothing is stored, and `next` is one
 * above the panel's highest stored seq, for the panel to number on from.
 *
 * Evidence: a frame of one event keeps its signed bytes on its row. A batch frame's bytes are stored once
 * (signed_frames, keyed by their SHA-256) and each of its event rows references them, so 64 events cost
 * the bytes once, not 64 times. They are written only when one of its events is new: a resend whose events
 * are all stored adds nothing; a regrouped resend (another signed frame) is the evidence of its new events
 * only.
 */
import { frameDigest, type UplinkPayload } from "../../../protocol/index.js";
import { AlarmBook } from "./alarm-book.js";
import type { Db } from "./db.js";
import { frameAlarms } from "./frame-alarms.js";
import { sameContent } from "./same-content.js";

export interface FrameToStore {
  readonly panel: string;
  readonly seq: number;
  readonly kid: string;
  readonly payload: UplinkPayload;
  readonly frame: Uint8Array;
}

const EMPTY = new Uint8Array(0);

export type StoreOutcome =
  | { readonly result: "stored"; readonly frameId: number; readonly alarms: readonly number[] }
  | { readonly result: "duplicate" }
  /** The seq is taken by other content: nothing stored; `next` = the panel's highest stored seq + 1. */
  | { readonly result: "reused"; readonly next: number };

export class FrameStore {
  private readonly alarms: AlarmBook;
  private readonly insert;
  private readonly touch;
  private readonly existsStmt;
  private readonly storedPayload;
  private readonly highest;
  private readonly batch;
  private readonly findEvidence;
  private readonly addEvidence;
  private readonly evidenceStmt;

  constructor(private readonly db: Db) {
    this.alarms = new AlarmBook(db);
    this.insert = db.prepare(
      "INSERT OR IGNORE INTO frames (panel, seq, kid, sent, received_at, receiver, payload, frame, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.findEvidence = db.prepare("SELECT id FROM signed_frames WHERE digest = ?").pluck();
    this.addEvidence = db.prepare("INSERT INTO signed_frames (digest, frame) VALUES (?, ?)");
    this.evidenceStmt = db
      .prepare("SELECT CASE WHEN f.evidence IS NULL THEN f.frame ELSE s.frame END FROM frames f LEFT JOIN signed_frames s ON s.id = f.evidence WHERE f.panel = ? AND f.seq = ?")
      .pluck();
    this.touch = db.prepare("UPDATE panels SET last_seen = ? WHERE panel = ? AND (last_seen IS NULL OR last_seen < ?)");
    this.existsStmt = db.prepare("SELECT 1 FROM frames WHERE panel = ? AND seq = ?");
    this.storedPayload = db.prepare("SELECT payload FROM frames WHERE panel = ? AND seq = ?").pluck();
    this.highest = db.prepare("SELECT MAX(seq) FROM frames WHERE panel = ?").pluck();
    this.batch = db.transaction((frames: readonly FrameToStore[], at: number, receiver: string) => {
      const out: StoreOutcome[] = [];
      const lastFrame = new Map<string, number>();
      // The rows of one batch frame share its bytes (frame-events.ts): their evidence id, once known.
      const rows = new Map<Uint8Array, number>();
      for (const f of frames) rows.set(f.frame, (rows.get(f.frame) ?? 0) + 1);
      const evidence = new Map<Uint8Array, number>();
      for (const f of frames) {
        let ev = evidence.get(f.frame);
        if (ev === undefined && rows.get(f.frame)! > 1) {
          // The transaction is immediate (the file's one writer), so what this reads stays true until commit.
          if (this.existsStmt.get(f.panel, f.seq) !== undefined) {
            out.push(this.alreadyThere(f));
            continue;
          }
          ev = this.evidenceOf(f.frame);
          evidence.set(f.frame, ev);
        }
        // One row: the bytes on it (evidence NULL). Shared: an empty blob (the column is NOT NULL since v1).
        const r = this.insert.run(f.panel, f.seq, f.kid, f.payload.sent, at, receiver, JSON.stringify(f.payload), ev === undefined ? f.frame : EMPTY, ev ?? null);
        if (r.changes === 0) {
          out.push(this.alreadyThere(f));
          continue;
        }
        const frameId = Number(r.lastInsertRowid);
        lastFrame.set(f.panel, frameId);
        const alarms: number[] = [];
        for (const a of frameAlarms(f.payload)) {
          if (a.action === "raise") alarms.push(this.alarms.raise({ panel: f.panel, kind: "event", key: a.key, title: a.title, priority: a.priority, at, frameId, note: a.note }).id);
          else {
            const id = this.alarms.joinOpen(f.panel, a.key, frameId, at, a.note);
            if (id !== undefined) alarms.push(id);
          }
        }
        out.push({ result: "stored", frameId, alarms });
      }
      for (const [panel, frameId] of lastFrame) {
        this.touch.run(at, panel, at);
        // EN 50136: traffic after a transmission fault is part of that fault's story.
        this.alarms.joinOpen(panel, "transmission-fault", frameId, at, "traffic resumed");
      }
      return out;
    });
  }

  /** Store a batch atomically; outcomes are in input order. */
  store(frames: readonly FrameToStore[], at: number, receiver: string): StoreOutcome[] {
    return this.batch.immediate(frames, at, receiver);
  }

  /** A (panel, seq) already stored: the same content again is a duplicate, other content a reused seq. */
  private alreadyThere(f: FrameToStore): StoreOutcome {
    const stored = this.storedPayload.get(f.panel, f.seq) as string | undefined;
    if (stored === undefined || sameContent(stored, f.payload)) return { result: "duplicate" };
    return { result: "reused", next: (this.highest.get(f.panel) as number) + 1 };
  }

  /** The stored bytes of a signed frame, found by digest or written now. */
  private evidenceOf(frame: Uint8Array): number {
    const digest = frameDigest(frame);
    const id = this.findEvidence.get(digest) as number | undefined;
    return id ?? Number(this.addEvidence.run(digest, frame).lastInsertRowid);
  }

  /** The signed frame (bytes as received) that carried the event (panel, seq), or undefined when not stored. */
  evidence(panel: string, seq: number): Uint8Array | undefined {
    return this.evidenceStmt.get(panel, seq) as Buffer | undefined;
  }

  has(panel: string, seq: number): boolean {
    return this.existsStmt.get(panel, seq) !== undefined;
  }

  count(panel?: string): number {
    const row = (panel === undefined ? this.db.prepare("SELECT COUNT(*) AS n FROM frames").get() : this.db.prepare("SELECT COUNT(*) AS n FROM frames WHERE panel = ?").get(panel)) as { n: number };
    return row.n;
  }
}
