/**
 * Durable storage of verified frames with group commit: every frame of a batch is inserted in ONE
 * immediate transaction (SQLite: one fsync per batch instead of per frame), together with the alarms
 * it raises and the panel's last-seen time. UNIQUE(panel, seq) decides duplicates, so the answer is
 * the same whichever receiver, process or restart sees the frame again. A frame under a (panel, seq)
 * already stored with other content is `reused` (same-content.ts): nothing is stored, and `next` is one
 * above the panel's highest stored seq, for the panel to number on from.
 */
import type { UplinkPayload } from "../../../protocol/index.js";
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

  constructor(private readonly db: Db) {
    this.alarms = new AlarmBook(db);
    this.insert = db.prepare(
      "INSERT OR IGNORE INTO frames (panel, seq, kid, sent, received_at, receiver, payload, frame) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.touch = db.prepare("UPDATE panels SET last_seen = ? WHERE panel = ? AND (last_seen IS NULL OR last_seen < ?)");
    this.existsStmt = db.prepare("SELECT 1 FROM frames WHERE panel = ? AND seq = ?");
    this.storedPayload = db.prepare("SELECT payload FROM frames WHERE panel = ? AND seq = ?").pluck();
    this.highest = db.prepare("SELECT MAX(seq) FROM frames WHERE panel = ?").pluck();
    this.batch = db.transaction((frames: readonly FrameToStore[], at: number, receiver: string) => {
      const out: StoreOutcome[] = [];
      const lastFrame = new Map<string, number>();
      for (const f of frames) {
        const r = this.insert.run(f.panel, f.seq, f.kid, f.payload.sent, at, receiver, JSON.stringify(f.payload), f.frame);
        if (r.changes === 0) {
          const stored = this.storedPayload.get(f.panel, f.seq);
          if (stored === undefined || sameContent(stored, f.payload)) out.push({ result: "duplicate" });
          else out.push({ result: "reused", next: (this.highest.get(f.panel) as number) + 1 });
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

  has(panel: string, seq: number): boolean {
    return this.existsStmt.get(panel, seq) !== undefined;
  }

  count(panel?: string): number {
    const row = (panel === undefined ? this.db.prepare("SELECT COUNT(*) AS n FROM frames").get() : this.db.prepare("SELECT COUNT(*) AS n FROM frames WHERE panel = ?").get(panel)) as { n: number };
    return row.n;
  }
}
