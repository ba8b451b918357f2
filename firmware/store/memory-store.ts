/** In-memory PanelStore for tests and dry runs; same ring semantics as the SQLite store. */
import type { NvState } from "../core/panel-state.js";
import { parseNv } from "./nv-record.js";
import type { LogEntry, NewLogEntry, PanelStore } from "./panel-store.js";

export class MemoryStore implements PanelStore {
  #log: LogEntry[] = [];
  #seq = 0;
  #nv: string | undefined;
  constructor(readonly capacity = 10_000) {}

  append(entry: NewLogEntry): void {
    this.#log.push({ ...entry, seq: ++this.#seq });
    if (this.#log.length > this.capacity) this.#log.shift();
  }
  recent(limit: number): LogEntry[] {
    return this.#log.slice(-limit).reverse();
  }
  count(): number {
    return this.#log.length;
  }
  loadNv(): NvState | undefined {
    return this.#nv === undefined ? undefined : parseNv(this.#nv, "nv");
  }
  saveNv(nv: NvState): void {
    this.#nv = JSON.stringify(nv);
  }
  commitStep(nv: NvState | undefined, entries: readonly NewLogEntry[]): void {
    if (nv) this.saveNv(nv);
    for (const e of entries) this.append(e);
  }
  close(): void {}
}
