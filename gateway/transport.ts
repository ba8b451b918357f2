/**
 * The MQTT link port. A Connection is one connection attempt to one broker: it reports `up` once
 * connected and subscribed, `down` at most once (failed or lost), and is then dead; the caller makes a
 * new one after its backoff. Implementations: mqtt-connector.ts (mqtt.js) and simulator/board/sim-connector.ts.
 */

export interface BrokerOptions {
  /** mqtt://host:port (plain TCP: local demo only) or mqtts://host:port. */
  readonly url: string;
  /** Client certificate and key, and the CA that signed the broker's certificate (PEM). */
  readonly key?: string | Buffer;
  readonly cert?: string | Buffer;
  readonly ca?: string | Buffer;
  readonly rejectUnauthorized?: boolean;
  readonly servername?: string;
  readonly username?: string;
  readonly password?: string;
  /** MQTT 5 by default; a broker that refuses it (aedes speaks 3.1.1) is retried with 4. */
  readonly protocolVersion?: 4 | 5;
}

export interface SessionOptions {
  readonly clientId: string;
  readonly keepaliveS: number;
  /** MQTT 5 session expiry: the broker keeps our subscription and queued downlinks this long. */
  readonly sessionExpiryS: number;
  /** Start a new session (MQTT 3.1.1 §3.1.2.4 Clean Session); default false: the broker keeps ours. */
  readonly clean?: boolean;
  /** Retained Last Will on the status topic (a panel's `offline`); centre clients have none. */
  readonly will?: { readonly topic: string; readonly payload: string };
  /**
   * Filters subscribed with QoS 1 before `up` is reported: one (a panel's downlink topic) or several (a
   * receiver's shared uplink filter and the status filter). A refused filter ends the attempt with `down`.
   */
  readonly subscribe: string | readonly string[];
}

export interface ConnectionHandlers {
  up(): void;
  down(reason: string): void;
  message(topic: string, payload: Uint8Array, retain: boolean): void;
}

export interface Connection {
  /**
   * QoS 1. `done` (optional) runs once the broker has acknowledged it (PUBACK), or with an error if it
   * cannot be sent on this connection; a publish on a dead connection is dropped (QoS 1 senders resend).
   */
  publish(topic: string, payload: Uint8Array | string, retain: boolean, done?: (err?: Error) => void): void;
  /**
   * Hand what publish() queued to the operating system now, not at the end of this turn of the event
   * loop. An alarm is published inside the panel's synchronous step; left queued, it would wait for the
   * rest of that step (the panel's own state commit, an fsync). Optional: a transport without a queue
   * of its own has nothing to flush.
   */
  flush?(): void;
  /** Close without reporting `down`: graceful sends DISCONNECT (no Last Will), otherwise just drop. */
  close(graceful: boolean): void;
}

export type Connector = (broker: BrokerOptions, session: SessionOptions, handlers: ConnectionHandlers) => Connection;

/** The filters of a session, as a list. */
export function subscriptionsOf(session: SessionOptions): readonly string[] {
  return typeof session.subscribe === "string" ? [session.subscribe] : session.subscribe;
}
