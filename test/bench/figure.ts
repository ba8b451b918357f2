/** One benchmark figure, measured against a baseline taken in the same run. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** What the value is compared with, measured in the same run on the same machine. */
  readonly baseline: number;
  readonly baselineName: string;
  /** value / baseline. */
  readonly ratio: number;
  /** The target in words, e.g. "ratio <= 3". */
  readonly target: string;
  readonly pass: boolean;
}

export function figure(f: Omit<Figure, "ratio" | "pass">, pass: (value: number, ratio: number) => boolean): Figure {
  const ratio = f.baseline === 0 ? Number.NaN : f.value / f.baseline;
  return { ...f, ratio, pass: pass(f.value, ratio) };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function round(n: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
