/**
 * The entry of the broker's own thread (started by broker-thread.ts): startBroker() as in-process, its
 * login and revocation check rebuilt here from data (broker-thread-messages.ts), on this thread's own
 * store connection, so that no store commit or signature check of the receivers holds the forwarding of
 * frames and ACKs. Log lines, kicks and the reload timer go through the parent port.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { Clock, Timer } from "../../../protocol/clock.js";
import { CodedError } from "../../../protocol/errors.js";
import type { Logger } from "../logger.js";
import { openCentreStore } from "../store-pg/open-store.js";
import type { CentreStorePort } from "../store-pg/port.js";
import { startBroker, type LoginCheck, type RunningBroker } from "./broker.js";
import { passwordLogin } from "./broker-login.js";
import type { BrokerThreadData, FromWorker, ThreadError, ThreadLogin, ToWorker } from "./broker-thread-messages.js";
import { startCentreRevocation, type CentreRevocation } from "./centre-revocation.js";

const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);
const logger: Logger = { log: (level, msg, fields) => post({ t: "log", level, msg, ...(fields ? { fields } : {}) }) };

/** The reload timer runs on the parent's clock (a FakeClock in tests): schedule and cancel are messages. */
const fired = new Map<number, () => void>();
let nextTimer = 0;
const parentClock: Clock = {
  now: () => Date.now(),
  schedule(ms, fn): Timer {
    const timer = ++nextTimer;
    fired.set(timer, fn);
    post({ t: "schedule", timer, ms });
    return {
      cancel() {
        if (fired.delete(timer)) post({ t: "cancel", timer });
      },
    };
  },
};

const stores = new Map<string, Promise<CentreStorePort>>();
const storeAt = (location: string) => {
  let s = stores.get(location);
  if (!s) stores.set(location, (s = openCentreStore(location)));
  return s;
};

async function loginFor(l: ThreadLogin): Promise<LoginCheck> {
  if (l.kind === "by-username") return (username) => (username.startsWith("receiver") ? { role: "receiver", name: username } : { role: "panel", name: username });
  return passwordLogin((await storeAt(l.store)).registry, l.centreClients ?? []);
}

function thrown(e: unknown): ThreadError {
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as NodeJS.ErrnoException).code;
  return {
    name: err.name,
    message: err.message,
    ...(typeof code === "string" ? { code } : {}),
    ...(err instanceof CodedError ? { coded: err.message.startsWith(`${err.code}: `) ? err.message.slice(err.code.length + 2) : err.message } : {}),
  };
}

async function start(d: BrokerThreadData): Promise<void> {
  let broker: RunningBroker | undefined;
  let revocation: CentreRevocation | undefined;
  const close = async () => {
    await revocation?.revoked.stop();
    await broker?.close();
    for (const s of stores.values()) await (await s).close();
  };
  try {
    if (d.revocation) {
      const r = d.revocation;
      revocation = await startCentreRevocation({ store: await storeAt(r.store), dir: r.dir, clock: parentClock, ...(r.everyMs !== undefined ? { everyMs: r.everyMs } : {}), onRevoked: (serials) => broker?.kickSerials(serials), logger });
    }
    const isRevoked = revocation?.isRevoked;
    broker = await startBroker({
      ...(d.host !== undefined ? { host: d.host } : {}),
      ...(d.port !== undefined ? { port: d.port } : {}),
      ...(d.tls ? { tls: { ...d.tls, ...(isRevoked ? { isRevoked } : {}) } } : {}),
      ...(d.login ? { login: await loginFor(d.login) } : {}),
      logger,
    });
  } catch (e) {
    await close().catch(() => {});
    post({ t: "failed", error: thrown(e) });
    port.close();
    return;
  }
  const b = broker;
  port.on("message", (m: ToWorker) => {
    switch (m.t) {
      case "kick":
        return post({ t: "kicked", id: m.id, n: b.kick(m.name) });
      case "kick-serials":
        return post({ t: "kicked", id: m.id, n: b.kickSerials(m.serials) });
      case "fire": {
        const fn = fired.get(m.timer);
        fired.delete(m.timer);
        return fn?.();
      }
      case "close":
        return void close().then(
          () => {
            post({ t: "closed" });
            port.close();
          },
          (e: unknown) => {
            logger.log("error", "broker: thread not closed cleanly", { error: (e as Error).message });
            post({ t: "closed" });
            port.close();
          },
        );
    }
  });
  post({ t: "ready", ...(b.port !== undefined ? { port: b.port } : {}), ...(b.tlsPort !== undefined ? { tlsPort: b.tlsPort } : {}), ...(revocation ? { revocationPeriodMs: revocation.revoked.everyMs } : {}) });
}

void start(workerData as BrokerThreadData);
