/**
 * An optional tracing hook for the benchmarks' per-stage breakdown of an alarm's way (panel -> gateway ->
 * broker -> receiver -> ACK). The sides call it as `trace?.(...)`: when no hook is given that is one
 * property test per stage and nothing else. A hook reads the time itself (process.hrtime.bigint()), or is
 * handed `at` where the stage began before its sequence number was known (a frame not yet decoded).
 */
export type TraceStage =
  /** Gateway: report() was called (`at`: on entry). */
  | "reported"
  /** Gateway: the event is in the outbox (durable). */
  | "outbox-committed"
  /** Gateway: the frame is signed (COSE_Sign1). */
  | "signed"
  /** Gateway: the frame is handed to the MQTT client. */
  | "published"
  /** Receiver: the frame arrived (`at`: before it was decoded). */
  | "received"
  /** Receiver: signature, freshness and seq checked. */
  | "verified"
  /** Receiver: its group commit is done. */
  | "stored"
  /** Receiver: the ACK naming it is signed and handed to the MQTT client. */
  | "ack-signed"
  /** Gateway: the signed ACK naming it arrived and verified. */
  | "ack-received";

export type Trace = (stage: TraceStage, panel: string, seq: number, at?: bigint) => void;
