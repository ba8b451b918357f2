/** What the downlink handlers act on: the Link's parts, handed over by the Link itself. */
import type { EventEmitter } from "node:events";
import type { Clock } from "../../protocol/clock.js";
import type { Trace } from "../../protocol/trace.js";
import type { LinkEvents } from "../link-events.js";
import type { Outbox } from "../outbox.js";
import type { PathProber } from "../path-prober.js";
import type { SendWindow } from "../send-window.js";

export interface DownlinkContext {
  readonly clock: Clock;
  readonly outbox: Outbox;
  readonly window: SendWindow;
  readonly prober: PathProber;
  readonly events: EventEmitter<LinkEvents>;
  /** Adopt centre time minus local time as the clock offset. */
  setClockOffset(offsetMs: number): void;
  /** Refill the window from the outbox. */
  pump(): void;
  /** Per-stage tracing (protocol/trace.ts); off when absent. */
  readonly trace?: Trace;
}
