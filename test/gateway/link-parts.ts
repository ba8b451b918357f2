/** The Link's parts (send window, path prober, downlink context) on fake time over fake paths, for unit tests. */
import { EventEmitter } from "node:events";
import { MapKeyRing, frameRef, openUplink, type UplinkPayload } from "../../protocol/index.js";
import { FakeClock } from "../../protocol/clock.js";
import { openDatabase } from "../../gateway/database.js";
import { handleAck } from "../../gateway/downlink/ack.js";
import type { DownlinkContext } from "../../gateway/downlink/context.js";
import type { LinkEvents } from "../../gateway/link-events.js";
import type { LinkPath, PathState } from "../../gateway/link-path.js";
import { Outbox } from "../../gateway/outbox.js";
import { PathProber } from "../../gateway/path-prober.js";
import { SendWindow } from "../../gateway/send-window.js";
import { burglary } from "./burglary.js";
import { testKeys } from "./keys.js";

export interface FakePath {
  state: PathState;
  readonly frames: Uint8Array[];
  send(topic: string, frame: Uint8Array): boolean;
}

function fakePath(state: PathState): FakePath {
  const frames: Uint8Array[] = [];
  return { state, frames, send: (_t, f) => (frames.push(f), true) };
}

export interface PartsOptions {
  window?: number;
  maxWindow?: number;
  /** Events per frame at most (default 1, as SendWindow's). */
  batchEvents?: number;
  ackTimeoutMs?: number;
  failAfterMs?: number[];
  /** State of each fake path (default one path, up). */
  paths?: PathState[];
}

export function linkParts(o: PartsOptions = {}) {
  const clock = new FakeClock();
  const keys = testKeys();
  /** The test's key ring, to open what the paths carried as the centre would. */
  const ring = new MapKeyRing();
  ring.add(keys.panel.kid, "p1", keys.panelPublic);
  const db = openDatabase(":memory:");
  const outbox = new Outbox(db, { clock });
  const events = new EventEmitter<LinkEvents>();
  /** Every `k` event from now on, in order. */
  const record = <K extends keyof LinkEvents>(k: K): LinkEvents[K][0][] => {
    const out: LinkEvents[K][0][] = [];
    (events as unknown as EventEmitter).on(k, (e: LinkEvents[K][0]) => out.push(e));
    return out;
  };
  const paths = (o.paths ?? ["up"]).map(fakePath);
  let offsetMs = 0;
  const window: SendWindow = new SendWindow({
    panel: "p1",
    signer: keys.panel,
    clock,
    outbox,
    window: o.window ?? 4,
    ...(o.maxWindow !== undefined ? { maxWindow: o.maxWindow } : {}),
    ...(o.batchEvents !== undefined ? { batchEvents: o.batchEvents } : {}),
    ackTimeoutMs: o.ackTimeoutMs ?? 1000,
    now: () => clock.now() + offsetMs,
    events,
    route: () => prober.route(),
    ackTimedOut: () => prober.checkHealth(),
  });
  const prober: PathProber = new PathProber({
    clock,
    outbox,
    window,
    events,
    failAfterMs: o.failAfterMs ?? [45_000, 45_000],
    heartbeat: () => ({ areas: [], troubles: [], outbox: outbox.depth().total }),
  });
  prober.attach(paths as unknown as LinkPath[]);
  const pump = () => {
    if (!prober.holdsTraffic()) window.fill();
  };
  const ctx: DownlinkContext = {
    clock,
    outbox,
    window,
    prober,
    events,
    setClockOffset: (ms) => {
      offsetMs = ms;
      events.emit("clock", { offsetMs: ms });
    },
    pump,
  };
  /** What a path carried, opened as the centre would. */
  const carried = (i = 0): UplinkPayload[] => paths[i]!.frames.map((f) => openUplink(f, ring).payload);
  /** The ref (protocol/frame-ref.ts) of the last frame any path carried with this seq, as the centre names it. */
  const ref = (seq: number): string => {
    const frames = paths.flatMap((q) => q.frames).filter((f) => openUplink(f, ring).payload.seq === seq);
    return frames.length > 0 ? frameRef(frames.at(-1)!) : "0000000000000000";
  };
  /** The seqs with the refs of their last frames, as the centre's ACK names them. */
  const refs = (seqs: readonly number[]): string[] => seqs.map(ref);
  return { clock, keys, ring, db, outbox, events, record, paths, window, prober, ctx, pump, carried, ref, refs, offset: () => offsetMs };
}

/** Parts past the hello (its ACK opened the window), with `n` burglary events (zones 1..n) in flight. */
export function flowing(n: number) {
  const p = linkParts({ ackTimeoutMs: 1000 });
  p.prober.reselect();
  const hello = p.carried()[0]!.seq;
  handleAck(p.ctx, 0, [hello], p.refs([hello]));
  const seqs = p.outbox.enqueueMany(Array.from({ length: n }, (_, i) => burglary(i + 1)));
  p.pump();
  return { ...p, seqs };
}
