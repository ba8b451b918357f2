/**
 * WAL checkpoints off the event path. SQLite copies the WAL back into the database file automatically
 * inside whichever commit takes the WAL past `wal_autocheckpoint` frames (1,000 by default): that commit
 * pays for the copy and two more fsyncs, and on the panel, the gateway and the centre that commit is as
 * likely to be an alarm's as any other (SQLite, "Write-Ahead Logging", 6. Automatic Checkpoint).
 *
 * Here the automatic checkpoint stays only as the bound on the WAL (`maxWalFrames`, so the file never
 * grows without limit when the connection is never quiet), and a PASSIVE checkpoint runs on the clock
 * port once the connection has committed nothing for a whole period (`quietMs`). PASSIVE never waits for
 * readers or writers of other connections; what it could not copy is copied at a later quiet tick.
 * Durability is unchanged: a commit is in the fsynced WAL when it returns (synchronous=FULL, set by the
 * owner), a checkpoint only moves committed pages into the database file.
 *
 * Activity is read from `total_changes()` on each tick (a few microseconds), so the write paths need no
 * hook. The owner stops it before closing the connection.
 */
import type Database from "better-sqlite3";
import type { Clock, Timer } from "../../protocol/clock.js";
import { FirmwareError } from "../firmware-error.js";

export interface WalCheckpointOptions {
  /** Tick period: a checkpoint runs at the first tick that finds no commit since the previous one. */
  readonly quietMs?: number;
  /** The WAL bound: SQLite's automatic checkpoint at this many frames (pages), as a fallback. */
  readonly maxWalFrames?: number;
  /** A checkpoint that failed (it is tried again at the next quiet tick). */
  readonly onError?: (e: Error) => void;
}

export const DEFAULT_QUIET_MS = 1_000;
/** 4,000 frames: ~16 MB of WAL at 4 KiB pages, and four times SQLite's default distance between checkpoints. */
export const DEFAULT_MAX_WAL_FRAMES = 4_000;

interface CheckpointRow {
  readonly busy: number;
  readonly log: number;
  readonly checkpointed: number;
}

export class WalCheckpoint {
  readonly #db: Database.Database;
  readonly #total: Database.Statement;
  readonly #clock: Clock;
  readonly #quietMs: number;
  readonly #onError: ((e: Error) => void) | undefined;
  #timer: Timer | undefined;
  /** total_changes() at the previous tick, and at the last complete checkpoint (-1: none yet). */
  #seen: number;
  #done = -1;
  #checkpoints = 0;

  constructor(db: Database.Database, clock: Clock, opts: WalCheckpointOptions = {}) {
    this.#db = db;
    this.#clock = clock;
    this.#quietMs = opts.quietMs ?? DEFAULT_QUIET_MS;
    this.#onError = opts.onError;
    const max = opts.maxWalFrames ?? DEFAULT_MAX_WAL_FRAMES;
    if (!Number.isInteger(max) || max < 1) throw new FirmwareError("config-invalid", `WAL checkpoint: maxWalFrames must be a positive integer, got ${max}`);
    if (!(this.#quietMs > 0)) throw new FirmwareError("config-invalid", `WAL checkpoint: quietMs must be positive, got ${this.#quietMs}`);
    this.#total = db.prepare("SELECT total_changes()").pluck();
    db.pragma(`wal_autocheckpoint = ${max}`);
    this.#seen = this.#changes();
    this.#arm();
  }

  /** Checkpoints run to completion so far (for tests and metrics). */
  get checkpoints(): number {
    return this.#checkpoints;
  }

  stop(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #changes(): number {
    return Number(this.#total.get());
  }

  #arm(): void {
    this.#timer = this.#clock.schedule(this.#quietMs, () => this.#tick());
  }

  #tick(): void {
    this.#timer = undefined;
    if (!this.#db.open) return;
    const n = this.#changes();
    // The first tick after opening checkpoints too: the WAL may hold frames from before a restart.
    if (n === this.#seen && n !== this.#done) {
      try {
        const [r] = this.#db.pragma("wal_checkpoint(PASSIVE)") as CheckpointRow[];
        // Busy, or frames a reader still needs: left for the next quiet tick.
        if (r && r.busy === 0 && r.checkpointed === r.log) {
          this.#done = n;
          this.#checkpoints++;
        }
      } catch (e) {
        this.#onError?.(e as Error);
      }
    }
    this.#seen = n;
    this.#arm();
  }
}
