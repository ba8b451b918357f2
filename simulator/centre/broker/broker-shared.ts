/**
 * Shared subscriptions (MQTT v5 §4.8.2) for aedes 1.x, which speaks MQTT 3.1.1 only and would take
 * `$share/centre/alarm/v1/+/up` as a literal filter that matches nothing. The broker's authorizeSubscribe
 * turns such a subscription into a plain one on the inner filter and records the client as a member of
 * the group; authorizeForward then lets exactly one member of each group receive each message, chosen
 * round-robin by the broker's per-message counter (the same for every copy of one message).
 *
 * Limits: a client cannot hold a shared and a plain subscription on the same filter (aedes keys
 * subscriptions by filter); unsubscribing a shared filter is not supported (receivers just disconnect).
 */
import type { AedesPublishPacket, Client } from "aedes";
import { topicMatches } from "../../../protocol/topic-filter.js";

interface Group {
  readonly filter: string;
  readonly members: Client[];
}

export class SharedSubscriptions {
  private readonly groups = new Map<string, Group>();

  join(client: Client, group: string, filter: string): void {
    const key = `${group}\u0000${filter}`;
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { filter, members: [] }));
    if (!g.members.includes(client)) g.members.push(client);
  }

  leave(client: Client): void {
    for (const [key, g] of this.groups) {
      const i = g.members.indexOf(client);
      if (i >= 0) g.members.splice(i, 1);
      if (g.members.length === 0) this.groups.delete(key);
    }
  }

  /** Whether this copy of the message goes to this client. */
  forward(client: Client, packet: AedesPublishPacket): boolean {
    let member = false;
    for (const g of this.groups.values()) {
      if (!g.members.includes(client) || !topicMatches(g.filter, packet.topic)) continue;
      member = true;
      if (g.members[packet.brokerCounter % g.members.length] === client) return true;
    }
    return !member;
  }

  members(group: string, filter: string): number {
    return this.groups.get(`${group}\u0000${filter}`)?.members.length ?? 0;
  }
}
