/**
 * Ranking metrics, latency percentiles and heap readings shared by the SQuAD and speed sections.
 * Definitions follow `../shared/retrieval-bench/lib/metrics.mjs`.
 */
import { performance } from 'node:perf_hooks';

/** 1-based rank of the gold item in a top list; 0 when it is not there. */
export function rankOf<T>(gold: T, top: readonly T[]): number {
  return top.indexOf(gold) + 1;
}

/** Recall in percent (one decimal), MRR@10 to three decimals, over every question given. */
export interface RankingQuality {
  recallAt1: number;
  recallAt5: number;
  recallAt10: number;
  mrrAt10: number;
  questions: number;
}

export function rankingQuality(ranks: readonly number[]): RankingQuality {
  const n = Math.max(1, ranks.length);
  const within = (k: number) => ranks.filter((rank) => rank > 0 && rank <= k).length;
  const reciprocal = ranks.reduce((sum, rank) => sum + (rank > 0 && rank <= 10 ? 1 / rank : 0), 0);
  const percent = (count: number) => Math.round((1000 * count) / n) / 10;
  return {
    recallAt1: percent(within(1)),
    recallAt5: percent(within(5)),
    recallAt10: percent(within(10)),
    mrrAt10: Math.round((1000 * reciprocal) / n) / 1000,
    questions: ranks.length,
  };
}

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export interface Latency {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** How many timed calls the percentiles are over. */
  samples: number;
}

export function latencySummary(milliseconds: ArrayLike<number>): Latency {
  const sorted = Float64Array.from(milliseconds).sort();
  return {
    p50: roundMs(percentile(sorted, 50)),
    p95: roundMs(percentile(sorted, 95)),
    p99: roundMs(percentile(sorted, 99)),
    max: roundMs(sorted[sorted.length - 1] ?? Number.NaN),
    samples: sorted.length,
  };
}

/** Three significant digits: enough for latencies that move ±30% between runs. */
export function roundMs(value: number): number {
  return Number.isFinite(value) ? Number(value.toPrecision(3)) : value;
}

/** Runs `work` and returns its result with the wall time it took, in milliseconds. */
export function timed<T>(work: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = work();
  return { result, ms: performance.now() - start };
}

export async function timedAsync<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await work();
  return { result, ms: performance.now() - start };
}

/** `global.gc` when node runs with `--expose-gc` (the bench script passes it). */
const collectGarbage = (globalThis as { gc?: () => void }).gc;

export const canMeasureHeap = typeof collectGarbage === 'function';

/**
 * Heap in use once garbage collection has settled, in MiB; undefined without `--expose-gc`,
 * where the figure would mostly measure garbage not yet collected. One or two `gc()` calls are
 * not enough: a dropped index of ~40 MB survived the first two collections in our runs and went
 * only at the third, with the event loop turning in between. So collect at least five times,
 * yielding between collections, until two readings agree within 1 MiB.
 */
export async function settledHeapMB(): Promise<number | undefined> {
  if (!collectGarbage) return undefined;
  let previous: number;
  let current = Number.POSITIVE_INFINITY;
  for (let round = 1; round <= 10; round++) {
    collectGarbage();
    await new Promise((resolve) => setImmediate(resolve));
    previous = current;
    current = process.memoryUsage().heapUsed / 2 ** 20;
    if (round >= 5 && Math.abs(previous - current) < 1) break;
  }
  return current;
}
