/**
 * `npm run soak [-- CASES]`: the fuzz properties of fuzz-properties.ts for ten million cases (or CASES,
 * or $FUZZ_CASES), in rounds of the CI mix with a fresh seed each, printing a progress line per round.
 * Exits 1 at the first counterexample, printing it with its seed so that it can be replayed.
 */
import fc from "fast-check";
import { ciCases, fuzzProperties } from "./fuzz-properties.js";

const total = Number(process.argv[2] ?? process.env.FUZZ_CASES ?? 10_000_000);
if (!Number.isSafeInteger(total) || total <= 0) {
  process.stderr.write(`soak: bad case count ${process.argv[2] ?? process.env.FUZZ_CASES}\n`);
  process.exit(2);
}
const fmt = (n: number) => n.toLocaleString("en");
const started = performance.now();
let done = 0;
for (let round = 0; done < total; round++) {
  const scale = Math.min(1, (total - done) / ciCases); // the last round is the same mix, scaled down
  for (const p of fuzzProperties) {
    const runs = Math.min(total - done, Math.max(1, Math.round(p.runs * scale)));
    const seed = (Date.now() ^ (round * 7919)) | 0;
    const r = fc.check(p.property, { numRuns: runs, seed });
    if (r.failed) {
      process.stderr.write(`soak: FAILED "${p.name}" after ${fmt(done + r.numRuns)} cases\n${fc.defaultReportMessage(r)}\n`);
      process.exit(1);
    }
    done += runs;
    if (done >= total) break;
  }
  const s = (performance.now() - started) / 1000;
  const eta = (s / done) * (total - done);
  process.stdout.write(`soak: ${fmt(done)} / ${fmt(total)} cases, 0 failures, ${s.toFixed(0)} s elapsed, ~${eta.toFixed(0)} s to go\n`);
}
process.stdout.write(`soak: done, ${fmt(done)} cases without a counterexample in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
