/** Small statistics helpers for the benchmarks (no dependencies). */

/** Nearest-rank percentile of an ascending array, `p` in [0, 1]. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i]!;
}

export function median(xs: readonly number[]): number {
  return percentile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );
}

export function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/** Milliseconds since `t0` (from `process.hrtime.bigint()`). */
export function msSince(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Latency summary of per-operation times in ms. */
export function latency(timesMs: readonly number[]): { n: number; totalMs: number; perSec: number; p50: number; p99: number; max: number } {
  const sorted = [...timesMs].sort((a, b) => a - b);
  const totalMs = sum(sorted);
  return {
    n: sorted.length,
    totalMs,
    perSec: sorted.length / (totalMs / 1000),
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}
