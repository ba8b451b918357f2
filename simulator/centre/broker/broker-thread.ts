/**
 * The embedded broker on its own thread (node:worker_threads) of the centre's process. In-process, aedes
 * shares one event loop with the receivers, so every store commit (a synchronous SQLite fsync) and every
 * signature check holds the forwarding of other panels' frames and of the ACKs; on its own thread it
 * forwards meanwhile, as Mosquitto does beside the receivers. Same options as startBroker() where they can
 * cross a thread (broker-thread-messages.ts); the login and the revocation check are rebuilt inside the
 * thread from the store location and the centre directory. Errors at start (a port in use, bad TLS
 * material, the store) come back as the error the thread saw: its code, its message, CentreError again.
 *
 * The thread runs this directory's broker-worker: the built .js next to the built broker-thread.js
 * (dist/, `npm run build`), or the TypeScript source under tsx when this module is the source itself.
 */
import { Worker } from "node:worker_threads";
import { unrefSystemClock, type Clock, type Timer } from "../../../protocol/clock.js";
import { CodedError } from "../../../protocol/errors.js";
import { CentreError, type CentreErrorCode } from "../errors.js";
import { silentLogger, type Logger } from "../logger.js";
import type { BrokerThreadData, FromWorker, ThreadError, ToWorker } from "./broker-thread-messages.js";

export type { BrokerThreadData, ThreadLogin } from "./broker-thread-messages.js";

export interface BrokerThreadOptions extends BrokerThreadData {
  readonly logger?: Logger;
  /** The clock of the revocation reloads inside the thread (default the real clock); tests step a FakeClock. */
  readonly clock?: Clock;
}

export interface BrokerThread {
  readonly port?: number;
  readonly tlsPort?: number;
  /** The revocation reload period in force, when `revocation` was given. */
  readonly revocationPeriodMs?: number;
  /** Disconnect every client connected as this identity name. Resolves to how many. */
  kick(name: string): Promise<number>;
  /** Disconnect every client that connected with one of these certificate serials. Resolves to how many. */
  kickSerials(serials: readonly string[]): Promise<number>;
  /** Closes the broker and its store connections; resolves once the thread has exited. */
  close(): Promise<void>;
  /** The thread's exit code, once it has exited. */
  readonly exited: Promise<number>;
}

/** How long close() waits for the thread to end by itself before terminating it. */
const EXIT_GRACE_MS = 2_000;
const FROM_SOURCE = import.meta.url.endsWith(".ts");

/** The thread's entry: the built worker, or (from source) a bootstrap that registers tsx first. */
function workerEntry(): { entry: URL | string; eval: boolean } {
  const url = new URL(`./broker-worker.${FROM_SOURCE ? "ts" : "js"}`, import.meta.url);
  if (!FROM_SOURCE) return { entry: url, eval: false };
  // A thread inherits neither the parent's module hooks (tsx registered by bin/launch.js, vitest's) nor,
  // on Node 20, an `--import` in its execArgv: register tsx in the thread as bin/launch.js does, resolved
  // from here so any working directory will do.
  const api = import.meta.resolve("tsx/esm/api");
  return { entry: `import(${JSON.stringify(api)}).then((m) => m.register()).then(() => import(${JSON.stringify(url.href)}))`, eval: true };
}

function rebuilt(e: ThreadError): Error {
  if (e.coded !== undefined && e.code !== undefined) {
    const err = e.name === "CentreError" ? new CentreError(e.code as CentreErrorCode, e.coded) : new CodedError(e.code, e.coded);
    if (e.name !== err.name) Object.defineProperty(err, "name", { value: e.name });
    return err;
  }
  return Object.assign(new Error(e.message), { name: e.name, ...(e.code !== undefined ? { code: e.code } : {}) });
}

export function startBrokerThread(opts: BrokerThreadOptions = {}): Promise<BrokerThread> {
  const { logger = silentLogger, clock = unrefSystemClock, ...data } = opts;
  const w = workerEntry();
  const worker = new Worker(w.entry, { eval: w.eval, workerData: data satisfies BrokerThreadData });
  const exited = new Promise<number>((resolve) => worker.once("exit", resolve));
  const timers = new Map<number, Timer>();
  const kicks = new Map<number, (n: number) => void>();
  let nextKick = 0;
  let closing: Promise<void> | undefined;
  let closed: (() => void) | undefined;
  const send = (m: ToWorker) => worker.postMessage(m);

  return new Promise<BrokerThread>((resolve, reject) => {
    let started = false;
    worker.on("message", (m: FromWorker) => {
      switch (m.t) {
        case "log":
          return logger.log(m.level, m.msg, m.fields);
        case "schedule":
          return void timers.set(
            m.timer,
            clock.schedule(m.ms, () => {
              timers.delete(m.timer);
              send({ t: "fire", timer: m.timer });
            }),
          );
        case "cancel":
          timers.get(m.timer)?.cancel();
          return void timers.delete(m.timer);
        case "kicked":
          kicks.get(m.id)?.(m.n);
          return void kicks.delete(m.id);
        case "failed":
          reject(rebuilt(m.error));
          return void worker.terminate();
        case "closed":
          return closed?.();
        case "ready": {
          started = true;
          const kick = (msg: (id: number) => ToWorker) =>
            closing
              ? Promise.resolve(0)
              : new Promise<number>((r) => {
                  const id = ++nextKick;
                  kicks.set(id, r);
                  send(msg(id));
                });
          return resolve({
            ...(m.port !== undefined ? { port: m.port } : {}),
            ...(m.tlsPort !== undefined ? { tlsPort: m.tlsPort } : {}),
            ...(m.revocationPeriodMs !== undefined ? { revocationPeriodMs: m.revocationPeriodMs } : {}),
            kick: (name) => kick((id) => ({ t: "kick", id, name })),
            kickSerials: (serials) => kick((id) => ({ t: "kick-serials", id, serials })),
            close: () =>
              (closing ??= (async () => {
                await new Promise<void>((r) => {
                  closed = r;
                  void exited.then(() => r());
                  send({ t: "close" });
                });
                for (const t of timers.values()) t.cancel();
                timers.clear();
                for (const r of kicks.values()) r(0);
                kicks.clear();
                // The thread ends by itself once its sockets and store are closed (exit code 0); one that
                // does not within EXIT_GRACE_MS is terminated.
                let grace: NodeJS.Timeout | undefined;
                const left = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => (grace = setTimeout(() => r(true), EXIT_GRACE_MS)))]);
                clearTimeout(grace);
                if (left) {
                  logger.log("warn", "broker: thread did not end by itself, terminated", { afterMs: EXIT_GRACE_MS });
                  await worker.terminate();
                }
                await exited;
              })()),
            exited,
          });
        }
      }
    });
    worker.on("error", (e) => {
      if (!started) return reject(e);
      logger.log("error", "broker: thread failed", { error: e.message });
    });
    void exited.then((code) => {
      if (!started) reject(new CentreError("bad-state", `the broker thread exited (code ${code}) before it was listening`));
      else if (!closing) logger.log("error", "broker: thread exited", { code });
      for (const t of timers.values()) t.cancel();
      timers.clear();
    });
  });
}
