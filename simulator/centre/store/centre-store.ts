/** One connection to the centre's SQLite file and the views over it. Each receiver opens its own. */
import { AlarmBook } from "./alarm-book.js";
import { openCentreDb, type Db, type OpenDbOptions } from "./db.js";
import { FrameStore } from "./frame-store.js";
import { PanelRegistry } from "./registry.js";

export class CentreStore {
  readonly registry: PanelRegistry;
  readonly frames: FrameStore;
  readonly alarms: AlarmBook;

  private constructor(readonly db: Db) {
    this.registry = new PanelRegistry(db);
    this.frames = new FrameStore(db);
    this.alarms = new AlarmBook(db);
  }

  /** `path` is a file (shared by every receiver that opens it) or ":memory:". */
  static open(path: string, opts: OpenDbOptions = {}): CentreStore {
    return new CentreStore(openCentreDb(path, opts));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
