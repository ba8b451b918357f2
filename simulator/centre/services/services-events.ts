/** What the services announce after each commit: the live queue (server-sent events) listens here. */
import type { Incident } from "./incident-schema.js";

export interface ServicesEventMap {
  /** An incident was opened, joined, changed or closed, or one of its tasks changed. */
  incident: [incident: Incident];
  /** A service ticket was opened or closed. */
  ticket: [ticketId: number];
  /** A remote-support command changed state. */
  command: [commandId: string];
  /** Work the services do by themselves (a timer's round, a reaction to the receiver) failed; it is retried or logged. */
  failed: [what: string, error: unknown];
}
