/**
 * What the panel and the centre learn about the link (Contact ID 350 communication trouble, 351/352
 * path faults). The panel hears of a loss at once (onLink(false): the keypad shows communication
 * trouble, and EN 50131-1 prevents setting while a communication fault is present). The centre hears
 * of it once back: a 350 "communication trouble" dated when the link was lost and its restore
 * (qualifier 3) dated when it came back, so the outage's length is restore.at - trouble.at. The loss
 * time is kept in the SQLite file, so a restart during an outage still reports the restore. With two
 * paths, losing one is a path fault: 351 (primary) or 352 (alternative), restored when it returns.
 */
import { Cid, Qualifier, type Event } from "../protocol/index.js";
import type { Clock, Timer } from "../protocol/clock.js";
import { readMeta, writeMeta, type Db } from "./database.js";

const LOST_AT = "link_lost_at";
const PATH_FAULT_CODES = [Cid.Path1Fault, Cid.Path2Fault] as const;

export interface LinkMonitorOptions {
  readonly db: Db;
  readonly clock: Clock;
  /** Centre-corrected time for event dates. */
  readonly now: () => number;
  readonly paths: number;
  /** A path not up this long after start() counts as lost (the category's reporting time). */
  readonly graceMs: number;
  /** Queue the 350 pair (false when the panel core reports it from onLink). */
  readonly commTroubleEvents: boolean;
  readonly onLink: (up: boolean) => void;
  readonly enqueue: (e: Event) => void;
}

export class LinkMonitor {
  private up = false;
  private readonly pathUp: boolean[];
  private readonly pathFault: boolean[];
  private grace: Timer | undefined;

  constructor(private readonly o: LinkMonitorOptions) {
    this.pathUp = Array.from({ length: o.paths }, () => false);
    this.pathFault = Array.from({ length: o.paths }, () => false);
  }

  start(): void {
    this.grace = this.o.clock.schedule(this.o.graceMs, () => {
      if (!this.up) this.lost();
      for (let i = 0; i < this.o.paths; i++) if (!this.pathUp[i]) this.faultPath(i);
    });
  }

  stop(): void {
    this.grace?.cancel();
  }

  get linkUp(): boolean {
    return this.up;
  }

  /** The link's active path changed (undefined: no path up). */
  activePath(path: number | undefined): void {
    const nowUp = path !== undefined;
    if (nowUp === this.up) return;
    this.up = nowUp;
    if (nowUp) {
      const lostAt = readMeta(this.o.db, LOST_AT);
      if (lostAt !== undefined) {
        if (this.o.commTroubleEvents) this.o.enqueue({ code: Cid.CommTrouble, q: Qualifier.Restore, area: 0, at: this.o.now() });
        writeMeta(this.o.db, LOST_AT, undefined);
      }
      this.o.onLink(true);
    } else {
      this.lost();
    }
  }

  pathChanged(index: number, up: boolean): void {
    this.pathUp[index] = up;
    if (this.o.paths < 2) return;
    if (!up) this.faultPath(index);
    else if (this.pathFault[index]) {
      this.pathFault[index] = false;
      this.o.enqueue({ code: PATH_FAULT_CODES[index]!, q: Qualifier.Restore, area: 0, at: this.o.now() });
    }
  }

  private faultPath(index: number): void {
    if (this.o.paths < 2 || this.pathFault[index]) return;
    this.pathFault[index] = true;
    this.o.enqueue({ code: PATH_FAULT_CODES[index]!, q: Qualifier.New, area: 0, at: this.o.now() });
  }

  private lost(): void {
    if (readMeta(this.o.db, LOST_AT) === undefined) {
      const at = this.o.now();
      writeMeta(this.o.db, LOST_AT, at);
      if (this.o.commTroubleEvents) this.o.enqueue({ code: Cid.CommTrouble, q: Qualifier.New, area: 0, at });
    }
    this.o.onLink(false);
  }
}
