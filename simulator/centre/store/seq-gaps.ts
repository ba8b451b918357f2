/**
 * The sequence numbers missing between `base` (the last one checked) and the stored `seqs` above it, as
 * ranges: the lost events a receiver reports (EN 50136-1 6.3: a transmission system detects lost alarm
 * messages). Pure; both stores' gap checks run it inside their transaction.
 */
export interface SeqGap {
  readonly from: number;
  readonly to: number;
}

/** `seqs`: ascending, each above `base`. */
export function seqGaps(base: number, seqs: Iterable<number>): SeqGap[] {
  const gaps: SeqGap[] = [];
  let expect = base + 1;
  for (const s of seqs) {
    if (s > expect) gaps.push({ from: expect, to: s - 1 });
    expect = s + 1;
  }
  return gaps;
}
