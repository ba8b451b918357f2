/**
 * A receiver's test rig on the simulated broker and a FakeClock, through the same Connector port the
 * gateway uses: one in-memory centre store, panels registered with their own frame keys, each panel a
 * bare connection that sends sealed alarm frames and keeps its downlinks (raw, and opened with the pinned
 * centre key). Used by the receiver tests in this folder.
 */
import { afterEach } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import { generateEd25519, openDownlink, privateKeyFromPem, publicKeyFromPem, sealUplink, topics, type DownlinkPayload, type Signer } from "../../protocol/index.js";
import type { Connection } from "../../gateway/transport.js";
import { SimBroker, simConnector } from "../../simulator/board/sim-connector.js";
import { Receiver } from "../../simulator/centre/receiver/receiver.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import type { CentreStorePort } from "../../simulator/centre/store-pg/port.js";

const centreKey = generateEd25519();
export const centre: Signer = { kid: "centre-1", key: privateKeyFromPem(centreKey.privatePem) };
/** The centre key as a panel pins it. */
export const pinned = { kid: centre.kid, key: publicKeyFromPem(centreKey.publicPem) };

/** Let the receiver's group commit (setImmediate) run; everything else moves on the fake clock. */
export const commitTurn = () => new Promise<void>((r) => setImmediate(r));

export interface SimPanel {
  readonly id: string;
  readonly conn: Connection;
  /** Downlink frames as they arrived, unopened. */
  readonly frames: Uint8Array[];
  /** The same downlinks, opened as this panel opens them. */
  readonly downlinks: DownlinkPayload[];
  /** Seal (once per seq: a resend is the same frame, byte for byte) and publish an alarm frame with this seq. */
  send(seq: number): void;
}

const stores: CentreStore[] = [];
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

export function rig() {
  const clock = new FakeClock();
  const broker = new SimBroker("mqtt://sim:1883", clock);
  const connector = simConnector([broker]);
  const store = CentreStore.open(":memory:");
  stores.push(store);
  const signers = new Map<string, Signer>();
  const register = (panel: string) => {
    const k = generateEd25519();
    store.registry.addPanel(panel, "SP4", clock.now());
    store.registry.addFrameKey(`k-${panel}`, panel, k.publicPem, clock.now());
    signers.set(panel, { kid: `k-${panel}`, key: privateKeyFromPem(k.privatePem) });
  };
  const receiver = (name: string, port: CentreStore | CentreStorePort = store) => new Receiver({ url: broker.url, store: port, centreKey: centre, name, connector, clock, supervise: false });
  const panel = (id: string): SimPanel => {
    const frames: Uint8Array[] = [];
    const downlinks: DownlinkPayload[] = [];
    const conn = connector(
      { url: broker.url },
      { clientId: id, keepaliveS: 60, sessionExpiryS: 60, will: { topic: topics.status(id), payload: "offline" }, subscribe: topics.down(id) },
      {
        up: () => {},
        down: () => {},
        message: (_t, payload) => {
          frames.push(payload);
          downlinks.push(openDownlink(payload, { centre: pinned, panel: id }));
        },
      },
    );
    const sealed = new Map<number, Uint8Array>();
    const send = (seq: number) => {
      if (!sealed.has(seq)) sealed.set(seq, sealUplink({ v: 1, panel: id, seq, sent: clock.now(), events: [{ code: 130, q: 1, area: 1, zone: 3, at: clock.now() }] }, signers.get(id)!));
      conn.publish(topics.up(id), sealed.get(seq)!, false);
    };
    return { id, conn, frames, downlinks, send };
  };
  return { clock, broker, store, register, receiver, panel };
}

export async function started(r: Receiver, clock: FakeClock): Promise<void> {
  const p = r.start();
  clock.advance(1); // the simulated broker's connect latency
  await p;
}
