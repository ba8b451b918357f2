/**
 * A whole centre in one call, for the demo and tests: the embedded broker on loopback (plain TCP with
 * per-panel passwords), one receiver and the operator queue, over an in-memory store unless a file is
 * given. Nothing is read from or written to disk with the defaults.
 */
import { randomBytes } from "node:crypto";
import { generateEd25519, privateKeyFromPem, publicKeyFromPem, type Signer } from "../../protocol/index.js";
import type { KeyObject } from "node:crypto";
import { startBroker, type RunningBroker } from "./broker/broker.js";
import { passwordLogin } from "./broker/broker-login.js";
import { Receiver } from "./receiver/receiver.js";
import type { CategoryName } from "../../protocol/supervision.js";
import { CentreStore } from "./store/centre-store.js";
import type { Clock } from "../../protocol/clock.js";
import type { Logger } from "./logger.js";
import { OperatorQueue } from "./operator/operator-queue.js";

export interface CentreOptions {
  /** SQLite file; default ":memory:" (one receiver only). */
  readonly dbPath?: string;
  /** Broker TCP port; 0 (default) picks a free one. */
  readonly port?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly gapGraceMs?: number;
}

/** Everything a panel (or gateway) needs to talk to this centre. */
export interface PanelCredentials {
  readonly panel: string;
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** The panel's frame key, registered with the centre. */
  readonly signer: Signer;
  readonly framePrivatePem: string;
  /** The centre's downlink key, to pin. */
  readonly centre: { readonly kid: string; readonly key: KeyObject; readonly publicPem: string };
}

export interface RunningCentre {
  readonly url: string;
  readonly broker: RunningBroker;
  readonly receiver: Receiver;
  readonly queue: OperatorQueue;
  readonly store: CentreStore;
  /** Register a panel (category, frame key, password) and return its credentials. */
  addPanel(panel: string, category?: CategoryName): PanelCredentials;
  close(): Promise<void>;
}

export async function startCentre(o: CentreOptions = {}): Promise<RunningCentre> {
  const store = CentreStore.open(o.dbPath ?? ":memory:");
  const now = () => o.clock?.now() ?? Date.now();
  const centreKey = generateEd25519();
  const centreSigner: Signer = { kid: `centre-${randomBytes(4).toString("hex")}`, key: privateKeyFromPem(centreKey.privatePem) };
  const receiverLogin = { username: "receiver", password: randomBytes(12).toString("base64url"), identity: { role: "receiver" as const, name: "centre" } };
  const broker = await startBroker({ port: o.port ?? 0, login: passwordLogin(store.registry, [receiverLogin]), ...(o.logger ? { logger: o.logger } : {}) });
  const url = `mqtt://127.0.0.1:${broker.port}`;
  const receiver = new Receiver({
    url,
    store,
    centreKey: centreSigner,
    name: "centre",
    connect: { username: receiverLogin.username, password: receiverLogin.password },
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.logger ? { logger: o.logger } : {}),
    ...(o.gapGraceMs !== undefined ? { gapGraceMs: o.gapGraceMs } : {}),
  });
  await receiver.start();
  return {
    url,
    broker,
    receiver,
    queue: new OperatorQueue(store, o.clock),
    store,
    addPanel(panel, category = "SP4") {
      const frame = generateEd25519();
      const kid = randomBytes(6).toString("hex");
      const password = randomBytes(12).toString("base64url");
      store.db.transaction(() => {
        store.registry.addPanel(panel, category, now());
        store.registry.addFrameKey(kid, panel, frame.publicPem, now());
        store.registry.setPassword(panel, password);
      })();
      receiver.watch(panel); // EN 50136 supervision from registration on
      return {
        panel,
        url,
        username: panel,
        password,
        signer: { kid, key: privateKeyFromPem(frame.privatePem) },
        framePrivatePem: frame.privatePem,
        centre: { kid: centreSigner.kid, key: publicKeyFromPem(centreKey.publicPem), publicPem: centreKey.publicPem },
      };
    },
    async close() {
      await receiver.stop();
      await broker.close();
      store.close();
    },
  };
}
