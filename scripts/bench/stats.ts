// Order statistics for the benchmark: medians and spreads that a few slow outliers (another
// process taking the CPU for a moment) cannot move much. No dependencies: this file also runs
// inside the image under test, on the image's own Node.

export interface Summary {
  n: number;
  median: number;
  p25: number;
  p75: number;
  min: number;
  max: number;
  mean: number;
}

/** Linear-interpolated quantile (the R-7 / numpy default) of an unsorted sample. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const a = sorted[low] ?? Number.NaN;
  const b = sorted[high] ?? Number.NaN;
  return a + (b - a) * (position - low);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  return {
    n,
    median: median(values),
    p25: quantile(values, 0.25),
    p75: quantile(values, 0.75),
    min: n ? Math.min(...values) : Number.NaN,
    max: n ? Math.max(...values) : Number.NaN,
    mean: n ? values.reduce((sum, v) => sum + v, 0) / n : Number.NaN,
  };
}

/**
 * Differences of paired samples (b[i] - a[i], taken in the same round, so a slow spell of the
 * machine hits both members of a pair), summarised. Its median is the robust "added" figure.
 */
export function pairedDifference(a: readonly number[], b: readonly number[]): Summary {
  const n = Math.min(a.length, b.length);
  const diffs: number[] = [];
  for (let i = 0; i < n; i += 1) diffs.push((b[i] ?? 0) - (a[i] ?? 0));
  return summarize(diffs);
}

export function fmtMs(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}

export function fmtSigned(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return '-';
  return `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
}

/** "median (p25–p75)" */
export function fmtSpread(s: Summary, digits = 1): string {
  return `${fmtMs(s.median, digits)} (${fmtMs(s.p25, digits)}–${fmtMs(s.p75, digits)})`;
}

export function fmtBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '-';
  const abs = Math.abs(bytes);
  if (abs >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (abs >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}
