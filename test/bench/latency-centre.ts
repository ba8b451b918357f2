/**
 * The centre side of the alarm-latency bench as its own process, as deployed (the centre is another
 * machine than the panel): the broker (the embedded aedes, on its own thread as alarm-centre runs it or on
 * the receiver's, or a given one such as the bench Mosquitto),
 * one receiver on the centre store, and the echo end of the bare QoS 1 round trip (baselines.ts), so the
 * baseline crosses the same processes as the alarm. Started by alarm-latency.ts with fork():
 *
 *   parent -> { start: CentreStart }        child -> { ready: url }
 *   parent -> "marks"                       child -> { marks: [seq, stage, ms][] }  (stage-breakdown.ts)
 *   parent -> "clock"                       child -> { clock: sharedNow() }        (clockOffset)
 *   parent -> "stop"                        child: stops everything and exits 0
 */
import { unrefSystemClock } from "../../protocol/clock.js";
import { privateKeyFromPem } from "../../protocol/index.js";
import { silentLogger } from "../../simulator/centre/logger.js";
import { Receiver } from "../../simulator/centre/receiver/receiver.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { startEcho } from "./baselines.js";
import { startAedesBroker, startAedesThread, type BenchBroker } from "./brokers.js";
import { sharedNow, TraceRecorder } from "./stage-breakdown.js";

export interface CentreStart {
  /** The centre store file, the panel already registered in it. */
  readonly db: string;
  readonly centreKeyPem: string;
  /** "aedes": start the embedded broker here; otherwise the broker's URL. */
  readonly broker: "aedes" | { readonly url: string };
  readonly protocolVersion: 4 | 5;
  /** The bare round trip's panel id, whose uplink this process echoes. */
  readonly echoPanel: string;
  /** The store's WAL checkpointed when quiet, as alarm-centre does (false: SQLite's automatic checkpoint). */
  readonly walCheckpoint: boolean;
  /** The embedded aedes on its own thread, as alarm-centre runs it (false: on the receiver's thread). */
  readonly brokerThread: boolean;
}

export type CentreMessage = { ready: string } | { marks: ReturnType<TraceRecorder["dump"]> } | { clock: number } | { failed: string };

async function run(o: CentreStart): Promise<void> {
  const broker: BenchBroker | undefined = o.broker === "aedes" ? await (o.brokerThread ? startAedesThread() : startAedesBroker()) : undefined;
  const url = broker?.url ?? (o.broker as { url: string }).url;
  const store = CentreStore.open(o.db, o.walCheckpoint ? { checkpoint: { clock: unrefSystemClock } } : {});
  const recorder = new TraceRecorder();
  const receiver = new Receiver({
    url,
    store,
    centreKey: { kid: "centre", key: privateKeyFromPem(o.centreKeyPem) },
    name: "r1",
    connect: { username: "receiver", password: "bench", protocolVersion: o.protocolVersion },
    trace: recorder.trace,
    logger: silentLogger,
  });
  await receiver.start();
  const echo = await startEcho(url, o.protocolVersion, o.echoPanel);
  const send = (m: CentreMessage) => process.send?.(m);
  process.on("message", (m) => {
    if (m === "clock") send({ clock: sharedNow() });
    if (m === "marks") send({ marks: recorder.dump() });
    if (m === "stop")
      void (async () => {
        await echo.close();
        await receiver.stop();
        await broker?.close();
        store.close();
        process.exit(0);
      })();
  });
  send({ ready: url });
}

// The bench went away without "stop" (it failed, or was killed): nothing here is worth keeping.
process.once("disconnect", () => process.exit(0));
process.once("message", (m) => {
  const start = (m as { start?: CentreStart }).start;
  if (!start) return void process.send?.({ failed: "the first message must be { start }" });
  run(start).catch((e: unknown) => {
    process.send?.({ failed: (e as Error).message });
    process.exit(2);
  });
});
