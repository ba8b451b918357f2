/** A gateway on fake time over simulated brokers, with the real centre receiver answering on each broker (sim-centre.ts). */
import { sealDownlink, type AreaStatus, type Command, type CommandResult, type DownlinkPayload, type NakReason } from "../../protocol/index.js";
import type { CategoryName } from "../../protocol/supervision.js";
import { FakeClock } from "../../protocol/clock.js";
import { Gateway, type GatewayOptions } from "../../gateway/gateway.js";
import { SimBroker, simConnector } from "../../simulator/board/sim-connector.js";
import { TestCentre } from "./test-centre.js";
import { testKeys } from "./keys.js";

export const PANEL = "p1";

type DownBody = { ack: { seqs: number[] } } | { nak: { seq: number; reason: NakReason } } | { cmd: Command };

export interface HarnessOptions {
  category?: CategoryName;
  paths?: 1 | 2;
  db?: string;
  overrides?: Partial<GatewayOptions>;
  /** Centre clock minus gateway clock, ms. */
  centreSkewMs?: number;
  keys?: ReturnType<typeof testKeys>;
  /** One-way latency per broker, ms (default 1). */
  latencies?: number[];
}

export function harness(h: HarnessOptions = {}) {
  const clock = new FakeClock();
  const keys = h.keys ?? testKeys();
  const brokers = Array.from({ length: h.paths ?? 1 }, (_, i) => new SimBroker(`mqtt://broker${i}:1883`, clock, h.latencies?.[i] ?? 1));
  const centre = new TestCentre({ signer: keys.centre, brokers: { sim: brokers, clock }, skewMs: h.centreSkewMs ?? 0 });
  centre.register(PANEL, keys.panel.kid, keys.panelPublic, clock.now());
  const linkCalls: boolean[] = [];
  const commands: Command[] = [];
  const areas: AreaStatus[] = [{ area: 1, mode: "away" }];
  const gw = new Gateway({
    panel: PANEL,
    signer: keys.panel,
    centreKey: keys.centrePublic,
    db: h.db ?? ":memory:",
    brokers: brokers.map((b) => ({ url: b.url })),
    category: h.category ?? (h.paths === 2 ? "DP4" : "SP4"),
    clock,
    connector: simConnector(brokers),
    backoff: { baseMs: 1000, capMs: 8000, random: () => 0.5 },
    ackTimeoutMs: 1000,
    status: () => ({ areas, troubles: [] }),
    onCommand: (cmd): CommandResult => {
      commands.push(cmd);
      return { id: cmd.id, ok: true };
    },
    onLink: (up) => linkCalls.push(up),
    ...h.overrides,
  });
  /** Send a signed downlink from the centre over broker `i`. */
  const down = (body: DownBody & { sent?: number }, opts: { retain?: boolean; broker?: number; signer?: typeof keys.centre } = {}) => {
    const payload = { v: 1, panel: PANEL, sent: centre.now(), ...body } as DownlinkPayload;
    brokers[opts.broker ?? 0]!.deliver(`alarm/v1/${PANEL}/down`, sealDownlink(payload, opts.signer ?? keys.centre), opts.retain ?? false);
  };
  /** The panel's own connections on broker `i` (the centre's receiver is connected there too). */
  const panelConnected = (i = 0) => brokers[i]!.connectedIds().filter((id) => !id.startsWith("receiver@")).length;
  /** Clock times of the panel's connection attempts on broker `i`. */
  const panelAttempts = (i = 0) => brokers[i]!.attemptsBy.filter((a) => !a.clientId.startsWith("receiver@")).map((a) => a.at);
  return { clock, keys, centre, brokers, gw, linkCalls, commands, areas, down, panelConnected, panelAttempts };
}

export const at0 = 1_700_000_000_000;
