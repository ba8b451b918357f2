/**
 * The centre as a long-running service, from a provisioned centre directory: the embedded aedes broker on
 * TLS with client certificates (plain TCP with passwords only when asked for), or an external broker
 * (Mosquitto with the generated config); N receivers sharing the store file; the operator JSON API; and
 * Prometheus metrics. `close()` stores and acknowledges what has arrived, then stops everything.
 */
import { startBroker, type RunningBroker } from "../broker/broker.js";
import { passwordLogin } from "../broker/broker-login.js";
import { OperatorQueue } from "../operator/operator-queue.js";
import { startOperatorHttp, type OperatorHttp } from "../operator/operator-http.js";
import { centreSigner, type CentreDir } from "../pki/provisioning.js";
import { receiverCredentials } from "../pki/receiver-credentials.js";
import { writeBrokerFiles } from "../broker/broker-files.js";
import { Receiver } from "../receiver/receiver.js";
import { CentreStore } from "../store/centre-store.js";
import type { Logger } from "../logger.js";
import { centreMetrics, startMetricsHttp, type MetricsHttp } from "./centre-metrics.js";

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export type BrokerChoice =
  | { readonly kind: "embedded"; readonly tls: HostPort; readonly plain?: HostPort }
  /** mqtts://... (Mosquitto): receivers use their certificates from the centre directory. */
  | { readonly kind: "external"; readonly url: string; readonly protocolVersion: 4 | 5 };

export interface CentreServiceOptions {
  readonly centre: CentreDir;
  readonly broker: BrokerChoice;
  readonly receivers: number;
  readonly http: HostPort;
  readonly metrics: HostPort;
  readonly logger: Logger;
  readonly gapGraceMs?: number;
  readonly reconnectDelayMs?: number;
  readonly maxBatch?: number;
}

export interface CentreService {
  readonly tlsPort?: number;
  readonly plainPort?: number;
  readonly httpPort: number;
  readonly metricsPort: number;
  readonly receivers: readonly Receiver[];
  close(): Promise<void>;
}

export async function startCentreService(o: CentreServiceOptions): Promise<CentreService> {
  const { centre, logger } = o;
  const store = CentreStore.open(centre.dbPath);
  const opened: { close(): Promise<void> | void }[] = [{ close: () => store.close() }];
  const closeAll = async () => {
    for (const x of opened.reverse()) await x.close();
  };
  try {
    const embedded = o.broker.kind === "embedded";
    const creds = Array.from({ length: o.receivers }, (_, i) => receiverCredentials(centre, store, i + 1, embedded));
    if (creds.some((c) => c.issued)) writeBrokerFiles(centre, store);
    let broker: RunningBroker | undefined;
    if (o.broker.kind === "embedded") {
      const b = o.broker;
      broker = await startBroker({
        host: b.tls.host,
        port: b.plain ? b.plain.port : null,
        tls: { port: b.tls.port, key: centre.server.keyPem, cert: centre.server.certPem, ca: centre.ca.certPem, isRevoked: (s) => store.registry.isCertificateRevoked(s) },
        ...(b.plain ? { login: passwordLogin(store.registry) } : {}),
        logger,
      });
      opened.push(broker);
      logger.log("info", "broker listening", { tls: `${b.tls.host}:${broker.tlsPort}`, ...(broker.port !== undefined ? { plain: `${b.tls.host}:${broker.port}` } : {}) });
    }
    const url = o.broker.kind === "embedded" ? `mqtts://localhost:${broker!.tlsPort}` : o.broker.url;
    const protocolVersion = o.broker.kind === "embedded" ? 4 : o.broker.protocolVersion;
    const queue = new OperatorQueue(store);
    const metrics = centreMetrics(queue);
    const receivers: Receiver[] = [];
    for (const c of creds) {
      const rs = CentreStore.open(centre.dbPath);
      opened.push({ close: () => rs.close() });
      const r = new Receiver({
        url,
        store: rs,
        centreKey: centreSigner(centre),
        name: c.name,
        logger,
        connect: { key: c.key, cert: c.cert, ca: centre.ca.certPem, protocolVersion },
        ...(o.gapGraceMs !== undefined ? { gapGraceMs: o.gapGraceMs } : {}),
        ...(o.reconnectDelayMs !== undefined ? { reconnectDelayMs: o.reconnectDelayMs } : {}),
        ...(o.maxBatch !== undefined ? { maxBatch: o.maxBatch } : {}),
      });
      metrics.watch(r);
      r.on("stored", (panel, seq, p) => logger.log("info", "stored", { receiver: r.name, panel, seq, kind: "events" in p ? "events" : "heartbeat" in p ? "heartbeat" : "result" }));
      r.on("nak", (panel, seq, reason) => logger.log("warn", "nak", { receiver: r.name, panel, seq, reason }));
      r.on("alarm", (id) => logger.log("info", "alarm for operators", { alarm: id }));
      r.on("transmission-fault", (f) => logger.log("warn", "transmission fault", { ...f }));
      await r.start();
      opened.push({ close: () => r.stop() });
      receivers.push(r);
    }
    const api: OperatorHttp = await startOperatorHttp(queue, o.http);
    opened.push(api);
    const mh: MetricsHttp = await startMetricsHttp(metrics, o.metrics.host, o.metrics.port);
    opened.push(mh);
    logger.log("info", "centre running", { broker: url, receivers: receivers.length, http: `${o.http.host}:${api.port}`, metrics: `${o.metrics.host}:${mh.port}/metrics` });
    return {
      ...(broker?.tlsPort !== undefined ? { tlsPort: broker.tlsPort } : {}),
      ...(broker?.port !== undefined ? { plainPort: broker.port } : {}),
      httpPort: api.port,
      metricsPort: mh.port,
      receivers,
      close: closeAll,
    };
  } catch (e) {
    await closeAll();
    throw e;
  }
}
