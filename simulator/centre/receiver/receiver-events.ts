/** What a Receiver reports as it works; the demo prints these, tests count them. */
import type { NakReason, UplinkPayload } from "../../../protocol/index.js";
import type { LostEvents } from "./gap-detector.js";
import type { TransmissionFault } from "./supervisor.js";

export interface ReceiverEvents {
  /** A frame was verified and durably stored for the first time (processed exactly once). */
  stored: [panel: string, seq: number, payload: UplinkPayload];
  /** A frame that was already stored arrived again; it is re-acknowledged, not processed. */
  duplicate: [panel: string, seq: number];
  /** A signed ACK for these sequence numbers was handed to the broker. */
  acked: [panel: string, seqs: readonly number[]];
  nak: [panel: string, seq: number, reason: NakReason];
  /** A frame that was judged and dropped unanswered: it did not verify, or named no sequence number. */
  dropped: [topic: string, code: string];
  /** A frame dropped on arrival, before verification: its panel is over budget or its queue is full. */
  refused: [panel: string, why: "over-budget" | "queue-full"];
  /** A flooding episode of this panel started; its alarm (opened, or joined if still open). */
  flooding: [panel: string, alarmId: number];
  status: [panel: string, status: string];
  "transmission-fault": [fault: TransmissionFault];
  "lost-events": [lost: LostEvents];
  /** Frames the store could not take (store-unavailable): left un-ACKed for the panel to resend. */
  held: [frames: number, error: Error];
  /** An alarm was opened or joined for operators. */
  alarm: [alarmId: number];
}
