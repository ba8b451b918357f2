/**
 * A receiver as its own process, so several share the load across cores or machines:
 *
 *   npx tsx simulator/centre/receiver/receiver-main.ts --centre DIR --url mqtts://127.0.0.1:8883 --name r1 --cert C --key K
 *   npx tsx simulator/centre/receiver/receiver-main.ts --centre DIR --url mqtt://127.0.0.1:1883 --name r1 --username U --password P
 *
 *   npx tsx simulator/centre/receiver/receiver-main.ts --centre DIR --store postgres://centre@db:5432/centre --url ...
 *
 * The centre directory (provision.ts) gives the store file and the centre's downlink key; every receiver
 * of a centre opens the same store: that file (SQLite, one machine), or with --store a postgres:// URL
 * (receivers on any number of machines; store-pg/README.md). Prints one line per stored frame unless --quiet. When started
 * with an IPC channel it sends {ready: true} once subscribed and {stored, duplicates} when asked
 * ("stats"); SIGTERM stops it cleanly.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { unrefSystemClock } from "../../../protocol/clock.js";
import { openCentreStore } from "../store-pg/open-store.js";
import { CentreError } from "../errors.js";
import { consoleLogger, silentLogger } from "../logger.js";
import { centreSigner, loadCentre } from "../pki/provisioning.js";
import { Receiver } from "./receiver.js";

export async function runReceiver(argv: readonly string[]): Promise<Receiver> {
  const { values: a } = parseArgs({
    args: [...argv],
    options: {
      centre: { type: "string" },
      store: { type: "string" },
      db: { type: "string" },
      url: { type: "string", default: "mqtts://127.0.0.1:8883" },
      name: { type: "string", default: `r${process.pid}` },
      cert: { type: "string" },
      key: { type: "string" },
      username: { type: "string" },
      password: { type: "string" },
      "protocol-version": { type: "string", default: "4" },
      synchronous: { type: "string", default: "FULL" },
      quiet: { type: "boolean" },
      "lead-every": { type: "string" },
    },
    strict: true,
  });
  if (!a.centre) throw new CentreError("bad-argument", "--centre DIR is required");
  const leadEvery = a["lead-every"] === undefined ? undefined : Number(a["lead-every"]);
  if (leadEvery !== undefined && !(Number.isInteger(leadEvery) && leadEvery > 0)) throw new CentreError("bad-argument", `--lead-every wants a whole number of ms > 0, not ${JSON.stringify(a["lead-every"])}`);
  const centre = loadCentre(a.centre);
  // --db is the older name of --store (a SQLite file); default the centre directory's store (store.json, else centre.db).
  const store = await openCentreStore(a.store ?? a.db ?? centre.store, { synchronous: a.synchronous === "NORMAL" ? "NORMAL" : "FULL", checkpoint: { clock: unrefSystemClock } });
  const receiver = new Receiver({
    url: a.url!,
    store,
    centreKey: centreSigner(centre),
    name: a.name!,
    logger: a.quiet ? silentLogger : consoleLogger,
    // How often a PostgreSQL receiver polls the centre-wide roles (takeover within one period).
    ...(leadEvery ? { leadership: { everyMs: leadEvery } } : {}),
    connect: {
      protocolVersion: a["protocol-version"] === "5" ? 5 : 4,
      ...(a.cert && a.key ? { cert: readFileSync(a.cert), key: readFileSync(a.key), ca: centre.ca.certPem } : {}),
      ...(a.username ? { username: a.username, password: a.password ?? "" } : {}),
    },
  });
  let stored = 0;
  receiver.on("stored", (panel, seq, p) => {
    stored++;
    if (!a.quiet) console.log(`stored ${panel} seq ${seq} ${"events" in p ? `${p.events.length} event(s)` : "heartbeat" in p ? "heartbeat" : "result"}`);
  });
  await receiver.start();
  const startCpu = cpuSeconds();
  process.send?.({ ready: true });
  process.on("message", (m) => {
    if (m === "stats") process.send?.({ stored, ...receiver.stats, leads: receiver.leads, cpu: cpuSplit() });
  });
  process.once("SIGTERM", () => {
    if (a.quiet) console.error(`receiver ${receiver.name}: ${JSON.stringify({ stored, ...receiver.stats, cpuSecondsSinceReady: cpuSeconds() - startCpu })}`);
    void receiver
      .stop()
      .then(() => store.close())
      .then(() => process.exit(0));
  });
  return receiver;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** CPU seconds in user and kernel mode, and context switches (the process waited / was preempted): where a receiver's CPU goes. */
function cpuSplit(): ReceiverCpu {
  const r = process.resourceUsage();
  return { user: r.userCPUTime / 1e6, system: r.systemCPUTime / 1e6, voluntarySwitches: r.voluntaryContextSwitches, involuntarySwitches: r.involuntaryContextSwitches };
}

export interface ReceiverCpu {
  readonly user: number;
  readonly system: number;
  readonly voluntarySwitches: number;
  readonly involuntarySwitches: number;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  runReceiver(process.argv.slice(2)).catch((e) => {
    console.error((e as Error).message);
    process.exit(2);
  });
}
