/**
 * What a hostile frame costs the receiver: the most expensive of a catalogue of 4 KiB attacks (deep
 * nesting, open maps, indefinite strings, many items, a long payload under a registered kid, a payload
 * signed with a stolen panel key) against openUplink of a valid alarm frame, measured alternately in the
 * same run. The CBOR pre-scan (protocol/cbor-prescan.ts) is what keeps the ratio small.
 */
import { generateKeyPairSync, sign } from "node:crypto";
import {
  Cid,
  MAX_FRAME_BYTES,
  MapKeyRing,
  encodeCanonical,
  openUplink,
  sealUplink,
  sigStructure,
  type CborValue,
  type UplinkPayload,
} from "../../protocol/index.js";
import { figure, type Figure } from "./figure.js";
import type { BenchOptions } from "./run.js";

const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const PANEL = "panel-0001";
const KID = "panel-0001";
const ring = new MapKeyRing().add(KID, PANEL, publicKey);
const prot = encodeCanonical(new Map<number, CborValue>([[1, -8], [4, new Uint8Array(Buffer.from(KID))]]));

/** A COSE_Sign1 around raw payload bytes, signed with the panel's key (or with a wrong signature). */
function envelope(payload: Uint8Array, signed: boolean): Uint8Array {
  const sig = signed ? new Uint8Array(sign(null, sigStructure(prot, payload), privateKey)) : new Uint8Array(64).fill(7);
  return encodeCanonical({ tag: 18, value: [prot, new Map(), payload, sig] });
}

/** The largest payload bytes that still fit the 4 KiB frame around them. */
function fill(make: (n: number) => Uint8Array): Uint8Array {
  let n = 4096;
  while (envelope(make(n), false).length > MAX_FRAME_BYTES) n -= 16;
  return make(n);
}

/** Raw 4 KiB attacks, and attacks inside a well-formed envelope. */
export function hostileFrames(): [string, Uint8Array][] {
  const fullOf = (head: number[], body: number, tail: number[] = []) => {
    const b = new Uint8Array(MAX_FRAME_BYTES).fill(body);
    b.set(head, 0);
    b.set(tail, MAX_FRAME_BYTES - tail.length);
    return b;
  };
  const chunks = (major: number) => {
    // An indefinite string of 1-byte chunks: 0x5f (41 xx)* ff
    const b = new Uint8Array(MAX_FRAME_BYTES);
    b[0] = (major << 5) | 31;
    for (let i = 1; i + 1 < MAX_FRAME_BYTES; i += 2) [b[i], b[i + 1]] = [(major << 5) | 1, 0x61];
    b[MAX_FRAME_BYTES - 1] = 0xff;
    return b;
  };
  const deepPayload = (n: number) => Uint8Array.from([...new Array<number>(n - 1).fill(0x81), 0]);
  const flatPayload = (n: number) => encodeCanonical(new Array<number>(Math.max(0, n - 3)).fill(0));
  const longText = (n: number) => encodeCanonical(new Map<number, CborValue>([[0, 1], [1, "x".repeat(Math.max(0, n - 10))]]));
  const manyItems = encodeCanonical(new Map<number, CborValue>([[0, 1], [1, PANEL], [2, 1], [3, Date.now()], [4, Array.from({ length: 30 }, () => [130, 1, 1, 2, 0])]]));
  return [
    ["4 KiB nested arrays", fullOf([], 0x81, [0x00])],
    ["4 KiB open maps", fullOf([], 0xbf)],
    ["4 KiB open arrays", fullOf([], 0x9f)],
    ["4 KiB indefinite byte string", chunks(2)],
    ["4 KiB indefinite text string", chunks(3)],
    ["4,000 items at top level", fullOf([0x99, 0x0f, 0xa0], 0x00)],
    ["COSE_Sign1, 2,000-pair unprotected header", fullOf([0xd2, 0x84, 0x40, 0xb9, 0x07, 0xd0], 0x00, [0x40, 0x40])],
    ["registered kid, deep-nested payload", envelope(fill(deepPayload), false)],
    ["registered kid, 4,000-item payload", envelope(fill(flatPayload), false)],
    ["registered kid, 4 KiB text payload, bad signature", envelope(fill(longText), false)],
    ["stolen key: signed 4 KiB text payload", envelope(fill(longText), true)],
    ["stolen key: signed 30-event payload", envelope(manyItems, true)],
  ];
}

function validAlarm(): Uint8Array {
  const now = Date.now();
  const p: UplinkPayload = { v: 1, panel: PANEL, seq: 123456, sent: now, events: [{ code: Cid.Burglary, q: 1, area: 1, zone: 12, at: now - 150 }] };
  return sealUplink(p, { kid: KID, key: privateKey });
}

/** Microseconds per openUplink of `frame`, accepted or refused, over about `ms` milliseconds. */
function costUs(frame: Uint8Array, ms: number): number {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 50; i++) {
      try {
        openUplink(frame, ring, { topicPanel: PANEL });
      } catch {
        // refusals are the point; their codes are pinned by test/protocol
      }
    }
    n += 50;
    t = performance.now();
  }
  return ((t - t0) * 1000) / n;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function hostileFrameFigures(opts: BenchOptions): Figure[] {
  const rounds = opts.quick ? 3 : 7;
  const ms = opts.quick ? 30 : 150;
  const valid = validAlarm();
  const attacks = hostileFrames();
  const base: number[] = [];
  const cost = attacks.map(() => [] as number[]);
  costUs(valid, ms); // warm up both paths before measuring
  for (const [, f] of attacks) costUs(f, ms / 3);
  for (let r = 0; r < rounds; r++) {
    base.push(costUs(valid, ms));
    attacks.forEach(([, f], i) => cost[i]!.push(costUs(f, ms)));
  }
  const medians = cost.map(median);
  const worst = medians.indexOf(Math.max(...medians));
  return [
    figure(
      {
        name: `hostile frame, worst of ${attacks.length} (${attacks[worst]![0]})`,
        value: medians[worst]!,
        unit: "us",
        baseline: median(base),
        baselineName: "openUplink of a valid alarm frame",
        target: "ratio <= 2",
      },
      (_v, r) => r <= 2,
    ),
  ];
}
