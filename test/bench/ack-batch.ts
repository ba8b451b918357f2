/**
 * What the batched ACK form (protocol/cose-batch.ts) costs and saves, per ACK:
 *  - the centre's seal: one sealDownlink per ACK against sealDownlinkAcks over a commit's ACKs
 *    (one Ed25519 signature and a Merkle tree, RFC 9162 §2.1);
 *  - the panel's open: openDownlink of a plain ACK against a batched one (its inclusion proof: one
 *    SHA-256 per tree level, on top of the same Ed25519 verify).
 * Plain and batched are measured alternately in the same process, rounds interleaved, the median kept.
 *
 *   npx tsx test/bench/ack-batch.ts [--leaves 250] [--rounds 7] [--n 2000]
 */
import { parseArgs } from "node:util";
import { generateEd25519, openDownlink, privateKeyFromPem, publicKeyFromPem, sealDownlink, sealDownlinkAcks, type AckPayload } from "../../protocol/index.js";
import { percentile } from "./figure.js";

const { values: a } = parseArgs({ options: { leaves: { type: "string", default: "250" }, rounds: { type: "string", default: "7" }, n: { type: "string", default: "2000" } } });
const leaves = Number(a.leaves);
const rounds = Number(a.rounds);
const n = Number(a.n);

const k = generateEd25519();
const signer = { kid: "centre-1", key: privateKeyFromPem(k.privatePem) };
const centre = { kid: "centre-1", key: publicKeyFromPem(k.publicPem) };
const T = Date.now();
const ack = (i: number): AckPayload => ({ v: 1, panel: `B${i}`, sent: T, ack: { seqs: [i], refs: [(i * 2654435761).toString(16).padStart(16, "0").slice(-16)] } });
const acks = Array.from({ length: leaves }, (_, i) => ack(i));

/** us per item of `f` over `items` items, run in one go. */
function usPer(items: number, f: () => void): number {
  const t = performance.now();
  f();
  return ((performance.now() - t) * 1000) / items;
}
const median = (xs: number[]) => percentile([...xs].sort((x, y) => x - y), 50);

const plainFrames = Array.from({ length: n }, (_, i) => sealDownlink(acks[i % leaves]!, signer));
const batchFrames: Uint8Array[] = [];
while (batchFrames.length < n) batchFrames.push(...sealDownlinkAcks(acks, signer));
batchFrames.length = n;
const sealPlain: number[] = [];
const sealBatch: number[] = [];
const openPlain: number[] = [];
const openBatch: number[] = [];
for (let r = 0; r < rounds; r++) {
  sealPlain.push(usPer(leaves, () => acks.forEach((p) => sealDownlink(p, signer))));
  sealBatch.push(usPer(leaves, () => sealDownlinkAcks(acks, signer)));
  openPlain.push(usPer(n, () => plainFrames.forEach((f, i) => openDownlink(f, { centre, panel: `B${i % leaves}` }))));
  openBatch.push(usPer(n, () => batchFrames.forEach((f, i) => openDownlink(f, { centre, panel: `B${i % leaves}` }))));
}
const f = (x: number) => x.toFixed(1);
console.log(`commit of ${leaves} ACKs, ${rounds} rounds, medians (us per ACK):`);
console.log(`  centre seal: plain ${f(median(sealPlain))}, batched ${f(median(sealBatch))}`);
console.log(`  panel open (openDownlink): plain ${f(median(openPlain))}, batched ${f(median(openBatch))} (+${f(median(openBatch) - median(openPlain))})`);
console.log(`  batched frame ${batchFrames[0]!.length} bytes, plain ${plainFrames[0]!.length} bytes`);
