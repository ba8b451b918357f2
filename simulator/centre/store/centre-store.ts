/** One connection to the centre's SQLite file and the views over it. Each receiver opens its own. */
import { WalCheckpoint } from "../../../firmware/store/wal-checkpoint.js";
import { AlarmBook } from "./alarm-book.js";
import { openCentreDb, type Db, type OpenDbOptions } from "./db.js";
import { FrameStore } from "./frame-store.js";
import { PanelRegistry } from "./registry.js";
import { migrateSqlite } from "./sqlite-migrations.js";

export class CentreStore {
  readonly registry: PanelRegistry;
  readonly frames: FrameStore;
  readonly alarms: AlarmBook;
  #checkpoint: WalCheckpoint | undefined;

  private constructor(readonly db: Db) {
    this.registry = new PanelRegistry(db);
    this.frames = new FrameStore(db);
    this.alarms = new AlarmBook(db);
  }

  /**
   * `path` is a file (shared by every receiver that opens it) or ":memory:", brought to the newest schema
   * version (sqlite-migrations.ts) before any view is prepared over it.
   */
  static open(path: string, opts: OpenDbOptions & { now?: () => number } = {}): CentreStore {
    const db = openCentreDb(path, opts);
    let store: CentreStore;
    try {
      migrateSqlite(db, (opts.now ?? Date.now)());
      store = new CentreStore(db);
    } catch (e) {
      db.close();
      throw e;
    }
    if (opts.checkpoint && path !== ":memory:") store.#checkpoint = new WalCheckpoint(store.db, opts.checkpoint.clock, opts.checkpoint);
    return store;
  }

  close(): void {
    this.#checkpoint?.stop();
    if (this.db.open) this.db.close();
  }
}
