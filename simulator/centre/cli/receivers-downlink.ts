/**
 * Remote-support commands leave through the receivers' own MQTT sessions: the broker's ACL already lets a
 * receiver write `alarm/v1/<panel>/down` (where its ACKs go), so the centre needs no further identity.
 * The first running receiver takes the command; if its link is down, the next one is tried.
 */
import type { DownlinkPublisher } from "../services/command-sender.js";
import { CentreError } from "../errors.js";

/** The part of a Receiver this needs. */
export interface DownlinkRoute {
  readonly name: string;
  readonly running: boolean;
  publishDownlink(topic: string, frame: Uint8Array): Promise<void>;
}

export function receiversDownlink(receivers: readonly DownlinkRoute[]): DownlinkPublisher {
  return {
    async publishAsync(topic, message) {
      const failures: string[] = [];
      for (const r of receivers) {
        if (!r.running) continue;
        try {
          return await r.publishDownlink(topic, message);
        } catch (e) {
          failures.push(`${r.name}: ${(e as Error).message}`);
        }
      }
      throw new CentreError("broker-refused", failures.length ? `no receiver could send the command (${failures.join("; ")})` : "no receiver is running to send the command");
    },
  };
}
