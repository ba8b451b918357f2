/** The persistence port: the non-volatile event log (a ring) and the state that survives power loss. */
import type { NvState } from "../core/panel-state.js";

/** One log line: who (user or zone), what, when. Reported events carry their Contact ID fields. */
export interface LogEntry {
  readonly seq: number;
  readonly at: number;
  readonly what: string;
  readonly code?: number;
  readonly q?: number;
  readonly area?: number;
  readonly zone?: number;
  readonly user?: number;
}

export type NewLogEntry = Omit<LogEntry, "seq">;

export interface PanelStore {
  append(entry: NewLogEntry): void;
  /** Newest first. */
  recent(limit: number): LogEntry[];
  count(): number;
  loadNv(): NvState | undefined;
  saveNv(nv: NvState): void;
  /** Everything one step changes, as one transaction (one fsync): the new NV state, if it changed, and log lines. */
  commitStep(nv: NvState | undefined, entries: readonly NewLogEntry[]): void;
  close(): void;
}
